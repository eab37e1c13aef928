// graphql-js reads NODE_ENV once, when it loads: the floor server must run in production mode
// like the service (development mode adds costly instanceof checks to every coerced value).
process.env.NODE_ENV = 'production';
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { generateRows, loadProfile } from '../datasets/generator';
import { spawnService } from '../test/support/process';
import { benchDatabase, median, progress } from './support/database';
import { startGraphqlFloor } from './graphql-floor';

/**
 * bench:ingest — for batches of 1,000, 10,000 and 50,000 records, measured in one run:
 *  (a) GraphQL floor: same HTTP request and input types, resolver returns the count;
 *  (b) persistence floor: COPY of the same prediction rows into a scratch table;
 *  (c) full ingestBatch on a real service process;
 * and c / (a + b). Also the service's peak RSS growth during a 50,000-record batch.
 */
const SIZES = [1_000, 10_000, 50_000];
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const FLOOR_MUTATION = `mutation($input: IngestBatchInput!) { ingestBatch(input: $input) }`;
const FULL_MUTATION = `mutation($input: IngestBatchInput!) { ingestBatch(input: $input) {
  batchId size modelVersion scoredWith replayed
  predictions { customerId probability riskLabel }
  dataQuality { rowCount duplicateCustomerIds duplicateRows missingValues invalidValues outOfSupportValues }
  warnings drift { status } } }`;

async function post(url: string, body: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const json = (await response.json()) as { errors?: unknown[] };
  if (json.errors) throw new Error(`request failed: ${JSON.stringify(json.errors).slice(0, 500)}`);
  return performance.now() - started;
}

function copyText(records: ReturnType<typeof generateRows>, batchUuid: string): string {
  let text = '';
  records.forEach((r, i) => {
    text += `${batchUuid}\t${i}\t${r.customerId}\t${r.age}\t${r.annualIncome}\t${r.debtToIncome}\t${r.creditUtilization}\t${r.numOpenAccounts}\t${r.delinquencyCount}\t${r.loanAmount}\t${r.employmentYears}\t0.1234567890123\tLOW\tbench-model\tartifact\t\\N\n`;
  });
  return text;
}

async function copyFloor(client: Client, records: ReturnType<typeof generateRows>): Promise<number> {
  const started = performance.now();
  await client.query('BEGIN');
  await client.query('TRUNCATE scratch_predictions');
  const stream = client.query(
    copyFrom(`COPY scratch_predictions (batch_id, row_index, customer_id, age, annual_income, debt_to_income, credit_utilization,
      num_open_accounts, delinquency_count, loan_amount, employment_years, probability, risk_label, model_version, scored_with, actual_default) FROM STDIN`),
  );
  await pipeline(Readable.from([copyText(records, '00000000-0000-0000-0000-000000000001')]), stream);
  await client.query('COMMIT');
  return performance.now() - started;
}

/** Phase durations the service logged (debug) for the measured batches with this id prefix. */
function phaseTimes(output: string, batchPrefix: string, phase: string): number[] {
  const times: number[] = [];
  for (const line of output.split('\n')) {
    if (!line.includes('"msg":"batch ingested"') || !line.includes(`"batchId":"${batchPrefix}`)) continue;
    const entry = JSON.parse(line) as { phasesMs: Record<string, number> };
    times.push(entry.phasesMs[phase]);
  }
  return times;
}

function rssKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)![1]);
}

async function main(): Promise<void> {
  const profile = loadProfile();
  const db = await benchDatabase();
  progress('starting service process and GraphQL floor server');
  // debug logs carry each batch's phase timings (validate, score, write, drift, performance, commit).
  const service = await spawnService({ DATABASE_URL: db.url, LOG_LEVEL: 'debug', NODE_ENV: 'production' }, 120_000);
  const floor = await startGraphqlFloor(50_000);
  const sql = new Client({ connectionString: db.url });
  const rows: Array<Record<string, string | number>> = [];
  const phaseRows: Array<Record<string, string | number>> = [];
  let peakGrowthMb = 0;
  try {
    await sql.connect();
    await sql.query(`CREATE TABLE scratch_predictions (LIKE prediction_logs INCLUDING DEFAULTS INCLUDING INDEXES)`);
    for (const size of SIZES) {
      const records = generateRows(profile, size, { seed: size, idPrefix: `bench-${size}` });
      const floorBody = JSON.stringify({ query: FLOOR_MUTATION, variables: { input: { records } } });
      const a: number[] = [];
      const b: number[] = [];
      const c: number[] = [];
      // One warm-up of each path, then REPEATS measured runs, interleaved so machine noise hits all three alike.
      await post(floor.url, floorBody);
      await copyFloor(sql, records);
      await post(service.url, JSON.stringify({ query: FULL_MUTATION, variables: { input: { batchId: `warm-${size}`, records } } }));
      for (let run = 0; run < REPEATS; run++) {
        progress(`size ${size}: run ${run + 1}/${REPEATS}`);
        a.push(await post(floor.url, floorBody));
        b.push(await copyFloor(sql, records));
        const pid = service.process.pid!;
        const before = rssKb(pid, 'VmRSS');
        writeFileSync(`/proc/${pid}/clear_refs`, '5'); // resets VmHWM, so it reports this request's peak
        c.push(await post(service.url, JSON.stringify({ query: FULL_MUTATION, variables: { input: { batchId: `b-${size}-${run}`, records } } })));
        if (size === 50_000) peakGrowthMb = Math.max(peakGrowthMb, (rssKb(pid, 'VmHWM') - before) / 1024);
      }
      const [ma, mb, mc] = [median(a), median(b), median(c)];
      const phase = (name: string): number => median(phaseTimes(service.output(), `b-${size}-`, name));
      const driftMs = phase('drift');
      phaseRows.push({ records: size, ...Object.fromEntries(['validate', 'score', 'write', 'drift', 'performance', 'commit'].map((name) => [`${name} ms`, phase(name).toFixed(1)])) });
      rows.push({
        records: size,
        'graphql floor ms (a)': ma.toFixed(1),
        'COPY floor ms (b)': mb.toFixed(1),
        'ingestBatch ms (c)': mc.toFixed(1),
        'c / (a + b)': (mc / (ma + mb)).toFixed(2),
        'drift check ms': driftMs.toFixed(1),
        'drift share of c': `${((driftMs / mc) * 100).toFixed(1)}%`,
      });
    }
  } finally {
    await sql.end();
    await floor.close();
    await service.stop();
    await db.close();
  }
  console.log(`\nbench:ingest (median of ${REPEATS} runs per size, service in its own process, NODE_ENV=production)`);
  console.table(rows);
  console.log('inside ingestBatch (median per phase; the rest of c is HTTP, GraphQL parsing/coercion and the response):');
  console.table(phaseRows);
  const ratioOk = rows.filter((r) => Number(r.records) >= 10_000).every((r) => Number(r['c / (a + b)']) <= 1.5);
  console.log(`peak RSS growth during a 50,000-record batch: ${peakGrowthMb.toFixed(0)} MB (target < 400 MB) ${peakGrowthMb < 400 ? 'PASS' : 'FAIL'}`);
  console.log(`ratio c / (a + b) <= 1.5 at 10,000 and 50,000 records: ${ratioOk ? 'PASS' : 'FAIL'}`);
  const driftShare = Number(String(rows.find((r) => r.records === 10_000)!['drift share of c']).replace('%', ''));
  console.log(`drift check adds ${driftShare.toFixed(1)}% of ingestBatch time at 10,000 records (target < 10%): ${driftShare < 10 ? 'PASS' : 'FAIL'}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
