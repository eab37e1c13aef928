import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { generateRows, loadProfile } from '../datasets/generator';
import { systemCaller } from '../src/security/caller';
import { openSecurityStore } from '../src/security/security-store';
import { startHealthPoller } from '../test/support/health-poller';
import { spawnService } from '../test/support/process';
import { benchDatabase, median, progress } from './support/database';

/**
 * bench:window — windows of 1,000,000 and 5,000,000 logged rows, written through the normal write
 * path (ingestBatch, 50,000 records per batch, against a service process in production mode),
 * then, in one run:
 *  - the window check's wall time (runDriftCheck, up to its answer: drift report, performance,
 *    alert rules and retraining reconciliation committed);
 *  - the floor: PostgreSQL scanning the window's rows once (`SELECT count(*)` with the window's
 *    predicate, warm, median of 3) and the ratio check / floor;
 *  - the serving instance's event-loop lag (p99 and max, from its own /metrics histogram, reset
 *    right before) and /health latency (a poller in this process) during the check;
 *  - the instance's peak RSS growth during the check (VmRSS sampled every 20 ms);
 *  - the same lag and /health figures during a retrainModel on 20,000 labelled rows (5-fold CV).
 * Sizes: BENCH_WINDOW_SIZES (default "1000000,5000000").
 */
const SIZES = (process.env.BENCH_WINDOW_SIZES ?? '1000000,5000000').split(',').map(Number);
const BATCH = 50_000;
const DISTINCT_BATCHES = 4;
const LABELLED_ROWS = 20_000;
const METRICS_TOKEN = 'bench-window-metrics-token-0123456789';
const TARGETS = { wallMs: 2_000, ratio: 2, lagP99Ms: 50, lagMaxMs: 200, rssMb: 150 };

const RUN = `mutation($input: RunDriftCheckInput!) { runDriftCheck(input: $input) {
  acquired checkedModelVersions reports { status rowCount } } }`;
const RETRAIN = `mutation($input: RetrainModelInput!) { retrainModel(input: $input) { version } }`;
const INGEST = `mutation($input: IngestBatchInput!) { ingestBatch(input: $input) { batchId size drift { status } } }`;

async function gql(
  url: string,
  authorization: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify({ query, variables }),
  });
  const json = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  if (json.errors) throw new Error(`request failed: ${JSON.stringify(json.errors).slice(0, 800)}`);
  return json.data!;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** The service's event-loop delay p99 and max (ms) since the previous scrape (which resets it). */
async function eventLoopLag(url: string): Promise<{ p99: number; max: number }> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const read = (name: string): number => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) * 1000;
  return { p99: read('nodejs_eventloop_lag_p99_seconds'), max: read('nodejs_eventloop_lag_max_seconds') };
}

interface UnderLoad<T> {
  result: T;
  wallMs: number;
  lag: { p99: number; max: number };
  health: { answers: number; p99: number; max: number };
  rssGrowthMb: number;
}

/**
 * Runs `work` with a /health poller and an RSS sampler on the service, and its lag histogram reset.
 * The service first gets a few quiet seconds, so a garbage collection left over from the writes
 * before is not charged to `work`.
 */
async function measure<T>(url: string, pid: number, work: () => Promise<T>): Promise<UnderLoad<T>> {
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  await eventLoopLag(url);
  const rssBefore = rssMb(pid);
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMb(pid))), 20);
  const poller = startHealthPoller(url, { pauseMs: 5 });
  await poller.firstAnswer;
  const started = performance.now();
  const result = await work();
  const finished = performance.now();
  const lag = await eventLoopLag(url);
  await poller.stop();
  clearInterval(sampler);
  const latencies = poller
    .arrivedBetween(started, finished)
    .map((a) => a.arrivedAt - a.sentAt)
    .sort((a, b) => a - b);
  const at = (q: number): number => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : NaN);
  return {
    result,
    wallMs: finished - started,
    lag,
    health: { answers: latencies.length, p99: at(0.99), max: latencies[latencies.length - 1] ?? NaN },
    rssGrowthMb: rssPeak - rssBefore,
  };
}

const fmt = (value: number, digits = 0): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const verdict = (ok: boolean): string => (ok ? 'ok' : 'MISSED');

async function main(): Promise<void> {
  const profile = loadProfile();
  const db = await benchDatabase();
  const store = await openSecurityStore({ DATABASE_URL: db.url });
  const key = async (role: 'ingest' | 'operator' | 'model-admin'): Promise<string> =>
    `Bearer ${(await store.keys.create(systemCaller('bench'), { name: `bench-window-${role}`, role })).key}`;
  const ingestKey = await key('ingest');
  const operatorKey = await key('operator');
  const modelAdminKey = await key('model-admin');
  await store.close();

  const windows = SIZES.map((size) => ({
    kind: `BENCH_${size}`,
    cron: '0 0 1 1 *',
    lengthMinutes: 10_080,
    alignMinutes: 1,
    enabled: false,
  }));
  progress('starting the service (production mode)');
  const service = await spawnService(
    {
      DATABASE_URL: db.url,
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      METRICS_TOKEN,
      MONITORING_DRIFT_WINDOWS: JSON.stringify(windows),
      RETRAIN_CV_FOLDS: '5',
      RETRAIN_MIN_LABELLED_ROWS: '1000',
    },
    180_000,
    { compiled: true },
  );
  const pid = service.process.pid!;
  const sql = new Client({ connectionString: db.url });
  await sql.connect();
  try {
    // Request bodies built once per distinct batch (generating 50,000 applications is not the
    // service's cost); each request gets its own batch id.
    const bodies = Array.from({ length: DISTINCT_BATCHES }, (_, i) =>
      JSON.stringify({
        query: INGEST,
        variables: {
          input: {
            batchId: '__BATCH__',
            records: generateRows(profile, BATCH, { seed: 500 + i, idPrefix: `w${i}` }).map(({ actualDefault: _label, ...r }) => r),
          },
        },
      }),
    );
    let written = 0;
    let batchNo = 0;
    const ingestStarted = performance.now();
    const ingest = async (target: number): Promise<void> => {
      while (written < target) {
        const body = bodies[batchNo % DISTINCT_BATCHES].replace('__BATCH__', `bench-window-${batchNo}`);
        const response = await fetch(`${service.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: ingestKey },
          body,
        });
        const json = (await response.json()) as { errors?: unknown[] };
        if (json.errors) throw new Error(`ingest failed: ${JSON.stringify(json.errors).slice(0, 800)}`);
        written += BATCH;
        batchNo++;
        if (batchNo % 10 === 0) {
          const seconds = (performance.now() - ingestStarted) / 1000;
          progress(`written ${written.toLocaleString('en-US')} rows through ingestBatch (${fmt(written / seconds)} rows/s)`);
        }
      }
    };

    const modelVersion = (await sql.query(`SELECT version FROM model_versions WHERE status = 'ACTIVE'`)).rows[0]?.version as string;
    const rows: Array<{ size: number; check: UnderLoad<Record<string, unknown>>; floorMs: number }> = [];
    for (const [index, size] of SIZES.entries()) {
      await ingest(size);
      const windowEnd = new Date();
      const start = new Date(windowEnd.getTime() - windows[index].lengthMinutes * 60_000);
      progress(`${size.toLocaleString('en-US')} rows logged; floor: SELECT count(*) over the window`);
      const floors: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t = performance.now();
        const counted = await sql.query(
          `SELECT count(*)::int AS n FROM prediction_logs WHERE model_version = $1 AND created_at >= $2 AND created_at < $3`,
          [modelVersion, start, windowEnd],
        );
        floors.push(performance.now() - t);
        if (counted.rows[0].n !== size) throw new Error(`window holds ${counted.rows[0].n} rows, expected ${size}`);
      }
      const idle = await measure(service.url, pid, () => new Promise((resolve) => setTimeout(resolve, 1_000)));
      progress(`idle second before the check: lag p99 ${fmt(idle.lag.p99, 1)} ms, max ${fmt(idle.lag.max, 1)} ms`);
      progress(`window check over ${size.toLocaleString('en-US')} rows`);
      const check = await measure(service.url, pid, () =>
        gql(service.url, operatorKey, RUN, { input: { window: windows[index].kind, windowEnd: windowEnd.toISOString() } }),
      );
      const report = (check.result.runDriftCheck as { reports: Array<{ rowCount: number; status: string }> }).reports[0];
      if (report?.rowCount !== size) throw new Error(`report counts ${report?.rowCount} rows, expected ${size}`);
      rows.push({ size, check, floorMs: median(floors) });
    }

    progress(`retrainModel on ${LABELLED_ROWS.toLocaleString('en-US')} labelled rows (5-fold cross-validation)`);
    const labelledFrom = new Date();
    for (let i = 0; i < LABELLED_ROWS / 5_000; i++) {
      const records = generateRows(profile, 5_000, { seed: 900 + i, idPrefix: `l${i}` });
      await gql(service.url, ingestKey, INGEST, { input: { batchId: `bench-labelled-${i}`, records } });
    }
    const retrain = await measure(service.url, pid, () =>
      gql(service.url, modelAdminKey, RETRAIN, { input: { fromDate: labelledFrom.toISOString(), toDate: new Date().toISOString() } }),
    );

    console.log('\nWindow checks (runDriftCheck up to its answer) vs PostgreSQL scanning the window once');
    console.log('rows        check ms   floor ms   ratio   lag p99 ms   lag max ms   /health answers  p99 ms  max ms   RSS growth MB');
    for (const { size, check, floorMs } of rows) {
      console.log(
        `${size.toLocaleString('en-US').padEnd(11)} ${fmt(check.wallMs).padStart(8)}   ${fmt(floorMs).padStart(8)}   ${fmt(check.wallMs / floorMs, 2).padStart(5)}   ` +
          `${fmt(check.lag.p99, 1).padStart(10)}   ${fmt(check.lag.max, 1).padStart(10)}   ${String(check.health.answers).padStart(15)}  ${fmt(check.health.p99, 1).padStart(6)}  ${fmt(
            check.health.max,
            1,
          ).padStart(6)}   ${fmt(check.rssGrowthMb, 1).padStart(13)}`,
      );
    }
    console.log(
      `\nretrainModel (${LABELLED_ROWS.toLocaleString('en-US')} labelled rows, 5-fold CV): ${fmt(retrain.wallMs)} ms; lag p99 ${fmt(retrain.lag.p99, 1)} ms, max ${fmt(
        retrain.lag.max,
        1,
      )} ms; /health ${retrain.health.answers} answers, p99 ${fmt(retrain.health.p99, 1)} ms, max ${fmt(retrain.health.max, 1)} ms; RSS growth ${fmt(retrain.rssGrowthMb, 1)} MB`,
    );
    const largest = rows[rows.length - 1];
    console.log('\nTargets');
    console.log(
      `  ${largest.size.toLocaleString('en-US')}-row check under ${TARGETS.wallMs} ms: ${fmt(largest.check.wallMs)} ms ${verdict(largest.check.wallMs < TARGETS.wallMs)}`,
    );
    for (const { size, check, floorMs } of rows) {
      const ratio = check.wallMs / floorMs;
      console.log(
        `  ${size.toLocaleString('en-US')} rows: ratio ≤ ${TARGETS.ratio}: ${fmt(ratio, 2)} ${verdict(ratio <= TARGETS.ratio)}; lag p99 < ${TARGETS.lagP99Ms} ms and max < ${TARGETS.lagMaxMs} ms: ${verdict(
          check.lag.p99 < TARGETS.lagP99Ms && check.lag.max < TARGETS.lagMaxMs,
        )}; RSS growth < ${TARGETS.rssMb} MB: ${verdict(check.rssGrowthMb < TARGETS.rssMb)}`,
      );
    }
    console.log(
      `  retrainModel: lag p99 < ${TARGETS.lagP99Ms} ms and max < ${TARGETS.lagMaxMs} ms: ${verdict(retrain.lag.p99 < TARGETS.lagP99Ms && retrain.lag.max < TARGETS.lagMaxMs)}`,
    );
  } finally {
    await sql.end();
    await service.stop();
    await db.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
