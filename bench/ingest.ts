// graphql-js reads NODE_ENV once, when it loads: the floor server must run in production mode
// like the service (development mode adds costly instanceof checks to every coerced value).
process.env.NODE_ENV = 'production';
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { generateRows, loadProfile } from '../datasets/generator';
import { loadAppConfig } from '../src/config/config.module';
import { dataSourceOptions } from '../src/database/data-source-options';
import { ApiKeysRepository } from '../src/security/api-keys.repository';
import { AuthenticationService } from '../src/security/authentication.service';
import { systemCaller } from '../src/security/caller';
import { openSecurityStore } from '../src/security/security-store';
import { spawnService } from '../test/support/process';
import { startGraphqlFloor } from './graphql-floor';
import { benchDatabase, median, progress } from './support/database';

/**
 * bench:ingest — for batches of 1,000, 10,000 and 50,000 records, measured in one run:
 *  (a) GraphQL floor: same HTTP request and input types, resolver returns the count;
 *  (b) persistence floor: COPY of the same prediction rows into a scratch table;
 *  (c) full ingestBatch on a real service process;
 * and c / (a + b). Also the service's peak RSS growth during a 50,000-record batch, and what
 * authentication costs per request (every request to the service carries an API key; the floors
 * have none): AuthenticationService.authenticate() timed in this process against the bench
 * database with a warm key, cross-checked by HTTP round trips with and without the guard.
 */
const SIZES = [1_000, 10_000, 50_000];
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
/** authenticate() calls timed in-process (after AUTH_WARMUP untimed ones, the first of which pays scrypt). */
const AUTH_CALLS = Number(process.env.BENCH_AUTH_CALLS ?? 2_000);
const AUTH_WARMUP = 100;
/** HTTP round trips of each kind; kept under the viewer role's rate-limit bucket (300, refilled at 50/s). */
const HTTP_PROBES = 200;
const AUTH_TARGET_MS = 2;
const FLOOR_MUTATION = `mutation($input: IngestBatchInput!) { ingestBatch(input: $input) }`;
const FULL_MUTATION = `mutation($input: IngestBatchInput!) { ingestBatch(input: $input) {
  batchId size modelVersion scoredWith replayed
  predictions { customerId probability riskLabel }
  dataQuality { rowCount duplicateCustomerIds duplicateRows missingValues invalidValues outOfSupportValues }
  warnings drift { status } } }`;

async function post(url: string, body: string, authorization?: string): Promise<number> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (authorization) headers.authorization = authorization;
  const started = performance.now();
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers, body });
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

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

interface AuthFigures {
  firstUseMs: number;
  authenticate: number[];
  /** `SELECT 1` on the same pool, interleaved with the calls: the database round trip every lookup pays. */
  selectOne: number[];
  httpAuthenticated: number[];
  httpOpen: number[];
}

/**
 * Authentication cost per request, measured while the service runs. (1) authenticate() with a
 * warm key — the work RoleGuard adds to every request: prefix lookup in api_keys, the cached
 * secret check, expiry/revocation, the (at most once a minute) last-used update — on its own
 * AuthenticationService over a pool sized like the service's, against the same database;
 * interleaved `SELECT 1` round trips on that pool show how much of it (and of its tail) is the
 * database round trip and machine noise rather than authentication's own work.
 * (2) Interleaved HTTP round trips to the service: `{ me { name } }` with the key (guard,
 * authentication, rate-limit bucket, a trivial resolver) against `{ __typename }` without
 * credentials (no root resolver, so no guard), the same HTTP/GraphQL path otherwise.
 */
async function measureAuthentication(databaseUrl: string, serviceUrl: string, authorization: string): Promise<AuthFigures> {
  const config = loadAppConfig({ DATABASE_URL: databaseUrl, NODE_ENV: 'production', LOG_LEVEL: 'warn' });
  const dataSource = await new DataSource(dataSourceOptions(databaseUrl, config.dbPoolSize, config.database)).initialize();
  try {
    const authentication = new AuthenticationService(config, new ApiKeysRepository(dataSource));
    let started = performance.now();
    await authentication.authenticate(authorization);
    const firstUseMs = performance.now() - started;
    for (let i = 1; i < AUTH_WARMUP; i++) await authentication.authenticate(authorization);
    const authenticate: number[] = [];
    const selectOne: number[] = [];
    for (let i = 0; i < AUTH_CALLS; i++) {
      started = performance.now();
      await authentication.authenticate(authorization);
      authenticate.push(performance.now() - started);
      started = performance.now();
      await dataSource.query('SELECT 1');
      selectOne.push(performance.now() - started);
    }
    const me = JSON.stringify({ query: '{ me { name } }' });
    const open = JSON.stringify({ query: '{ __typename }' });
    // The service already verified this key once (its first use paid scrypt); a few warm-ups each.
    for (let i = 0; i < 10; i++) {
      await post(serviceUrl, me, authorization);
      await post(serviceUrl, open);
    }
    const httpAuthenticated: number[] = [];
    const httpOpen: number[] = [];
    for (let i = 0; i < HTTP_PROBES; i++) {
      httpAuthenticated.push(await post(serviceUrl, me, authorization));
      httpOpen.push(await post(serviceUrl, open));
    }
    return { firstUseMs, authenticate, selectOne, httpAuthenticated, httpOpen };
  } finally {
    await dataSource.destroy();
  }
}

function rssKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)![1]);
}

async function main(): Promise<void> {
  const profile = loadProfile();
  const db = await benchDatabase();
  progress('creating API keys (the service runs with NODE_ENV=production, which needs one to start)');
  // openSecurityStore migrates the fresh database itself, under the service's migration lock.
  const store = await openSecurityStore({ DATABASE_URL: db.url });
  let ingestAuthorization: string;
  let viewerAuthorization: string;
  try {
    ingestAuthorization = `Bearer ${(await store.keys.create(systemCaller('bench'), { name: 'bench-ingest', role: 'ingest' })).key}`;
    viewerAuthorization = `Bearer ${(await store.keys.create(systemCaller('bench'), { name: 'bench-viewer', role: 'viewer' })).key}`;
  } finally {
    await store.close();
  }
  progress('starting service process and GraphQL floor server');
  // debug logs carry each batch's phase timings (validate, score, write, drift, performance, commit).
  const service = await spawnService({ DATABASE_URL: db.url, LOG_LEVEL: 'debug', NODE_ENV: 'production' }, 120_000);
  const floor = await startGraphqlFloor(50_000);
  const sql = new Client({ connectionString: db.url });
  const rows: Array<Record<string, string | number>> = [];
  const phaseRows: Array<Record<string, string | number>> = [];
  let peakGrowthMb = 0;
  let auth: AuthFigures;
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
      // (The service's first warm-up also pays the key's one scrypt check.)
      await post(floor.url, floorBody);
      await copyFloor(sql, records);
      await post(
        service.url,
        JSON.stringify({ query: FULL_MUTATION, variables: { input: { batchId: `warm-${size}`, records } } }),
        ingestAuthorization,
      );
      for (let run = 0; run < REPEATS; run++) {
        progress(`size ${size}: run ${run + 1}/${REPEATS}`);
        a.push(await post(floor.url, floorBody));
        b.push(await copyFloor(sql, records));
        const pid = service.process.pid!;
        const before = rssKb(pid, 'VmRSS');
        writeFileSync(`/proc/${pid}/clear_refs`, '5'); // resets VmHWM, so it reports this request's peak
        c.push(
          await post(
            service.url,
            JSON.stringify({ query: FULL_MUTATION, variables: { input: { batchId: `b-${size}-${run}`, records } } }),
            ingestAuthorization,
          ),
        );
        if (size === 50_000) peakGrowthMb = Math.max(peakGrowthMb, (rssKb(pid, 'VmHWM') - before) / 1024);
      }
      const [ma, mb, mc] = [median(a), median(b), median(c)];
      const phase = (name: string): number => median(phaseTimes(service.output(), `b-${size}-`, name));
      const driftMs = phase('drift');
      phaseRows.push({
        records: size,
        ...Object.fromEntries(
          ['validate', 'score', 'write', 'drift', 'performance', 'commit'].map((name) => [`${name} ms`, phase(name).toFixed(1)]),
        ),
      });
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
    progress(`authentication: ${AUTH_CALLS} authenticate() calls in process, ${HTTP_PROBES} HTTP round trips of each kind`);
    auth = await measureAuthentication(db.url, service.url, viewerAuthorization);
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
  console.log(
    `peak RSS growth during a 50,000-record batch: ${peakGrowthMb.toFixed(0)} MB (target < 400 MB) ${peakGrowthMb < 400 ? 'PASS' : 'FAIL'}`,
  );
  console.log(`ratio c / (a + b) <= 1.5 at 10,000 and 50,000 records: ${ratioOk ? 'PASS' : 'FAIL'}`);
  const driftShare = Number(String(rows.find((r) => r.records === 10_000)!['drift share of c']).replace('%', ''));
  console.log(
    `drift check adds ${driftShare.toFixed(1)}% of ingestBatch time at 10,000 records (target < 10%): ${driftShare < 10 ? 'PASS' : 'FAIL'}`,
  );
  const ms = (value: number): string => value.toFixed(2);
  const [authP50, authP99] = [percentile(auth.authenticate, 50), percentile(auth.authenticate, 99)];
  const authMean = auth.authenticate.reduce((sum, value) => sum + value, 0) / auth.authenticate.length;
  // The target is what authentication adds to a request: judged on the median, mean and p99 shown beside it.
  console.log(
    `authentication per request: p50 ${ms(authP50)} ms, p99 ${ms(authP99)} ms, mean ${ms(authMean)} ms (target < ${AUTH_TARGET_MS} ms at p50) ${authP50 < AUTH_TARGET_MS ? 'PASS' : 'FAIL'}` +
      ` — AuthenticationService.authenticate() with a warm API key, ${AUTH_CALLS} calls against the bench database`,
  );
  console.log(
    `  for comparison, one database round trip (SELECT 1 on the same pool, interleaved): p50 ${ms(percentile(auth.selectOne, 50))} ms, p99 ${ms(percentile(auth.selectOne, 99))} ms`,
  );
  console.log(`  first use of a key (scrypt check, once per key per process): ${ms(auth.firstUseMs)} ms`);
  const [meP50, openP50] = [percentile(auth.httpAuthenticated, 50), percentile(auth.httpOpen, 50)];
  console.log(
    `  HTTP cross-check, ${HTTP_PROBES} interleaved round trips each: { me { name } } with the key p50 ${ms(meP50)} ms (p99 ${ms(percentile(auth.httpAuthenticated, 99))})` +
      ` vs { __typename } without credentials p50 ${ms(openP50)} ms (p99 ${ms(percentile(auth.httpOpen, 99))}): difference p50 ${ms(meP50 - openP50)} ms (guard + authentication + resolver)`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
