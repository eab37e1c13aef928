import { TestingModuleBuilder } from '@nestjs/testing';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DataSource, EntityManager } from 'typeorm';
import { generateRows, loadProfile } from '../../datasets/generator';
import { version as packageVersion } from '../../package.json';
import { MetricsService } from '../../src/metrics/metrics.service';
import { MetricsHttpServer } from '../../src/metrics/metrics-http.server';
import { BatchPerformanceInput, PerformanceService } from '../../src/performance/performance.service';
import { applications, ingestMutation } from '../support/applications';
import { generatedRecords } from '../support/generated-data';
import { parseExposition, requireBinary, run, Sample, samplesOf, valueOf } from '../support/prometheus';
import { useServiceFixture } from '../support/service-fixture';
import { startServices, withServices } from '../support/services';

const TOKEN = 'metrics-test-token-0123456789';
const OPS = resolve(__dirname, '../../docs/ops');
const INGEST = ingestMutation('batchId size modelVersion replayed drift { status features { feature method statistic psi } }');

interface Ingested {
  ingestBatch: {
    batchId: string;
    size: number;
    modelVersion: string;
    replayed: boolean;
    drift: { status: string; features: Array<{ feature: string; method: string; statistic: number | null; psi: number | null }> } | null;
  };
}

const RETRAIN = `mutation($input: RetrainModelInput!) { retrainModel(input: $input) { version } }`;
const PROMOTE = `mutation($input: PromoteModelVersionInput!) { promoteModelVersion(input: $input) { version status } }`;

function modelVersionOf(samples: Sample[]): string {
  const [info, ...more] = samplesOf(samples, 'credit_monitor_build_info');
  expect(more).toEqual([]);
  return info.labels.model_version;
}

async function scrape(url: string, token: string | null = TOKEN): Promise<{ response: Response; text: string }> {
  const response = await fetch(`${url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { response, text: await response.text() };
}

async function samplesAt(url: string): Promise<Sample[]> {
  const { response, text } = await scrape(url);
  expect(response.status).toBe(200);
  return parseExposition(text);
}

describe('GET /metrics (Prometheus exposition of a real service)', () => {
  const fixture = useServiceFixture({ METRICS_TOKEN: TOKEN });
  let drifting: Ingested['ingestBatch'];

  beforeAll(async () => {
    const accepted = await fixture.service.gql<Ingested>(INGEST, {
      input: { batchId: 'metrics-drifting', records: generatedRecords(400, 62, 'larger_loans', 0.8) },
    });
    expect(accepted.errors).toBeUndefined();
    drifting = accepted.data!.ingestBatch;
    expect(drifting.drift!.status).toBe('DRIFT');
    // The same batch again: an idempotent replay.
    const replay = await fixture.service.gql<Ingested>(INGEST, {
      input: { batchId: 'metrics-drifting', records: generatedRecords(400, 62, 'larger_loans', 0.8) },
    });
    expect(replay.data!.ingestBatch.replayed).toBe(true);
    // Three records, one with an impossible age: refused whole.
    const rejected = await fixture.service.gql(INGEST, {
      input: { batchId: 'metrics-rejected', records: [...applications(2), { ...applications(1, 2)[0], age: -4 }] },
    });
    expect(rejected.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('counts ingest requests, records and durations by outcome', async () => {
    const samples = await samplesAt(fixture.service.url);
    expect(valueOf(samples, 'credit_monitor_ingest_requests_total', { outcome: 'success' })).toBe(1);
    expect(valueOf(samples, 'credit_monitor_ingest_requests_total', { outcome: 'replayed' })).toBe(1);
    expect(valueOf(samples, 'credit_monitor_ingest_requests_total', { outcome: 'rejected' })).toBe(1);
    expect(samplesOf(samples, 'credit_monitor_ingest_requests_total', { outcome: 'error' })).toEqual([]);
    expect(valueOf(samples, 'credit_monitor_ingest_records_total', { outcome: 'success' })).toBe(400);
    expect(valueOf(samples, 'credit_monitor_ingest_records_total', { outcome: 'replayed' })).toBe(400);
    expect(valueOf(samples, 'credit_monitor_ingest_records_total', { outcome: 'rejected' })).toBe(3);
    for (const outcome of ['success', 'replayed', 'rejected']) {
      expect(valueOf(samples, 'credit_monitor_ingest_duration_seconds_count', { outcome })).toBe(1);
      expect(valueOf(samples, 'credit_monitor_ingest_duration_seconds_bucket', { outcome, le: '+Inf' })).toBe(1);
      const seconds = valueOf(samples, 'credit_monitor_ingest_duration_seconds_sum', { outcome });
      expect(seconds).toBeGreaterThan(0);
      expect(seconds).toBeLessThan(60);
    }
  });

  it("counts the committed drift verdict and exposes each column's last statistic and PSI", async () => {
    const samples = await samplesAt(fixture.service.url);
    expect(valueOf(samples, 'credit_monitor_drift_verdicts_total', { kind: 'batch', status: 'drift' })).toBe(1);
    expect(samplesOf(samples, 'credit_monitor_drift_verdicts_total', { kind: 'window' })).toEqual([]);
    const features = drifting.drift!.features;
    // Eight features, the prediction and the multivariate (joint-distribution) column.
    expect(features.length).toBe(10);
    for (const f of features) {
      const statistic = valueOf(samples, 'credit_monitor_drift_feature_statistic', { feature: f.feature, kind: 'batch', method: f.method });
      const psi = valueOf(samples, 'credit_monitor_drift_feature_psi', { feature: f.feature, kind: 'batch' });
      if (f.statistic === null) expect(statistic).toBeNaN();
      else expect(statistic).toBeCloseTo(f.statistic, 12);
      if (f.psi === null) expect(psi).toBeNaN();
      else expect(psi).toBeCloseTo(f.psi, 12);
    }
    // The scenario raises loan amounts: its PSI is what the gauge shows, and it is material.
    expect(valueOf(samples, 'credit_monitor_drift_feature_psi', { feature: 'loanAmount', kind: 'batch' })).toBeGreaterThan(0.1);
  });

  it('reports open alerts by severity, kind and status as PostgreSQL has them, zeros included', async () => {
    const samples = await samplesAt(fixture.service.url);
    const live = await fixture.sql.query<{ severity: string; kind: string; status: string; n: number }>(
      `SELECT severity, kind, status, count(*)::int AS n FROM alerts WHERE status IN ('OPEN', 'ACKNOWLEDGED') GROUP BY 1, 2, 3`,
    );
    expect(live.rows.length).toBeGreaterThan(0);
    const gauge = samplesOf(samples, 'credit_monitor_alerts_open');
    // 4 severities × 7 kinds (MULTIVARIATE_DRIFT and VALIDATION_FAILURE included) × 2 open statuses, zeros included.
    expect(gauge.length).toBe(4 * 7 * 2);
    for (const row of live.rows) {
      const labels = { severity: row.severity.toLowerCase(), kind: row.kind.toLowerCase(), status: row.status.toLowerCase() };
      expect(valueOf(samples, 'credit_monitor_alerts_open', labels)).toBe(row.n);
    }
    const total = live.rows.reduce((sum, row) => sum + row.n, 0);
    expect(gauge.reduce((sum, s) => sum + s.value, 0)).toBe(total);
    expect(valueOf(samples, 'credit_monitor_alerts_open', { severity: 'low', kind: 'performance', status: 'acknowledged' })).toBe(0);

    // Resolving one alert shows at the next scrape.
    const { rows } = await fixture.sql.query<{ id: string; severity: string; kind: string }>(
      `SELECT id, severity, kind FROM alerts WHERE status = 'OPEN' ORDER BY created_at LIMIT 1`,
    );
    const labels = { severity: rows[0].severity.toLowerCase(), kind: rows[0].kind.toLowerCase(), status: 'open' };
    const before = valueOf(samples, 'credit_monitor_alerts_open', labels);
    const resolved = await fixture.service.gql(
      `mutation { updateAlertStatus(input: { id: "${rows[0].id}", status: RESOLVED }) { status } }`,
    );
    expect(resolved.errors).toBeUndefined();
    expect(valueOf(await samplesAt(fixture.service.url), 'credit_monitor_alerts_open', labels)).toBe(before - 1);
  });

  it('has build info with the active model version, pool use, query errors and the event-loop lag', async () => {
    // A statement PostgreSQL refuses, sent through the service's own pool.
    await expect(fixture.service.app.get(DataSource).query('SELECT 1 / 0')).rejects.toThrow(/division by zero/);
    const samples = await samplesAt(fixture.service.url);
    expect(
      valueOf(samples, 'credit_monitor_build_info', {
        version: packageVersion,
        model_version: drifting.modelVersion,
        node_version: process.version,
      }),
    ).toBe(1);
    expect(samplesOf(samples, 'credit_monitor_build_info').length).toBe(1);
    expect(valueOf(samples, 'credit_monitor_db_query_errors_total')).toBeGreaterThanOrEqual(1);
    expect(valueOf(samples, 'credit_monitor_db_pool_max_connections')).toBe(10);
    const total = valueOf(samples, 'credit_monitor_db_pool_connections');
    expect(total).toBeGreaterThanOrEqual(1);
    expect(total).toBeLessThanOrEqual(10);
    expect(valueOf(samples, 'credit_monitor_db_pool_idle_connections')).toBeLessThanOrEqual(total);
    // The scrape's own two reads (open alerts, the active model version) may be queued while it counts.
    const waiting = valueOf(samples, 'credit_monitor_db_pool_waiting_requests');
    expect(waiting).toBeGreaterThanOrEqual(0);
    expect(waiting).toBeLessThanOrEqual(2);
    expect(valueOf(samples, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(samplesOf(samples, 'process_cpu_seconds_total').length).toBe(1);
  });

  it('passes `promtool check metrics` with no lint problems, and the example rules pass `promtool check rules`', async () => {
    const promtool = requireBinary('promtool', 'prometheus');
    const { response, text } = await scrape(fixture.service.url);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const checked = await run(promtool, ['check', 'metrics'], text);
    expect({ code: checked.code, output: checked.stdout + checked.stderr }).toEqual({ code: 0, output: '' });

    const rules = await run(promtool, ['check', 'rules', resolve(OPS, 'prometheus-rules.yml')]);
    expect(rules.stderr).toBe('');
    expect(rules.stdout).toMatch(/SUCCESS: \d+ rules found/);
    expect(rules.code).toBe(0);

    // The example scrape configuration, with its token file and rule file beside it.
    const dir = mkdtempSync(join(tmpdir(), 'promtool-'));
    try {
      writeFileSync(join(dir, 'token'), TOKEN);
      writeFileSync(join(dir, 'prometheus-rules.yml'), readFileSync(resolve(OPS, 'prometheus-rules.yml')));
      const config = readFileSync(resolve(OPS, 'prometheus-scrape.yml'), 'utf8').replace(
        'credentials_file: /etc/prometheus/credit-monitor-metrics-token',
        `credentials_file: ${join(dir, 'token')}`,
      );
      expect(config).toContain(join(dir, 'token'));
      writeFileSync(join(dir, 'prometheus.yml'), config);
      const checkedConfig = await run(promtool, ['check', 'config', join(dir, 'prometheus.yml')]);
      expect({ code: checkedConfig.code, stderr: checkedConfig.stderr }).toEqual({ code: 0, stderr: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names only metrics the service exposes in the example rules and the Grafana dashboard', async () => {
    // Every metric the service defines has a TYPE line, observed or not (a labelled counter has no sample before its first inc).
    const { text } = await scrape(fixture.service.url);
    const exposed = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));
    for (const file of ['prometheus-rules.yml', 'grafana-dashboard.json']) {
      const named = new Set(readFileSync(resolve(OPS, file), 'utf8').match(/\b(?:credit_monitor|nodejs|process)_[a-z0-9_]+/g));
      expect(named.size).toBeGreaterThan(3);
      for (const name of named)
        expect({ file, name, exposed: exposed.has(name.replace(/_(bucket|count|sum)$/, '')) }).toEqual({ file, name, exposed: true });
    }
  });

  it('requires the scrape token: 401 without it, with a wrong one or with an API key; 200 with it', async () => {
    for (const token of [null, 'wrong-token-0123456789', fixture.service.adminKey.key, TOKEN.slice(0, -1)]) {
      const { response, text } = await scrape(fixture.service.url, token);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(JSON.parse(text)).toEqual({ error: { code: 'UNAUTHENTICATED', message: expect.stringMatching(/METRICS_TOKEN/) } });
      expect(text).not.toMatch(/credit_monitor_/);
    }
    expect((await scrape(fixture.service.url)).response.status).toBe(200);
  });
});

describe('/metrics placement, rollback, retraining and promotion', () => {
  it('times retrainModel by outcome, and build info follows a promotion made on another instance', () =>
    withServices(2, {}, async ({ services: [a, b] }) => {
      const rows = generateRows(loadProfile(), 2_000, { seed: 77, scenario: 'concept_drift', idPrefix: 'mx' });
      for (let i = 0; i < 2; i++) {
        const response = await a.gql(INGEST, { input: { batchId: `labelled-${i}`, records: rows.slice(i * 1_000, (i + 1) * 1_000) } });
        expect(response.errors).toBeUndefined();
      }
      const champion = modelVersionOf(await samplesAt(b.url));
      const now = Date.now();
      const range = { fromDate: new Date(now - 3_600_000).toISOString(), toDate: new Date(now + 3_600_000).toISOString() };
      const refused = await b.gql(RETRAIN, { input: { fromDate: range.toDate, toDate: range.fromDate } });
      expect(refused.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
      const trained = await b.gql<{ retrainModel: { version: string } }>(RETRAIN, { input: range });
      expect(trained.errors).toBeUndefined();
      const candidate = trained.data!.retrainModel.version;
      expect(candidate).not.toBe(champion);

      const atB = await samplesAt(b.url);
      expect(valueOf(atB, 'credit_monitor_retraining_duration_seconds_count', { outcome: 'success' })).toBe(1);
      expect(valueOf(atB, 'credit_monitor_retraining_duration_seconds_count', { outcome: 'rejected' })).toBe(1);
      expect(valueOf(atB, 'credit_monitor_retraining_duration_seconds_sum', { outcome: 'success' })).toBeGreaterThan(0);
      expect(modelVersionOf(atB)).toBe(champion);

      // Four-eyes: a's admin promotes what b's admin trained; b's next scrape names the new model.
      const promoted = await a.gql(PROMOTE, { input: { version: candidate } });
      expect(promoted.errors).toBeUndefined();
      expect(modelVersionOf(await samplesAt(b.url))).toBe(candidate);
    }));

  it('times a window check and counts its verdict with kind "window"', () =>
    // A service of its own: the shared one above must show no window verdict, whatever the test order.
    withServices(1, {}, async ({ services: [service] }) => {
      const ingested = await service.gql(INGEST, {
        input: { batchId: 'metrics-window', records: generatedRecords(400, 62, 'larger_loans', 0.8) },
      });
      expect(ingested.errors).toBeUndefined();
      const run = await service.gql<{ runDriftCheck: { acquired: boolean; reports: Array<{ status: string }> } }>(
        `mutation($input: RunDriftCheckInput!) { runDriftCheck(input: $input) { acquired reports { status } } }`,
        { input: { window: 'HOURLY', windowEnd: new Date(Date.now() + 60_000).toISOString() } },
      );
      expect(run.errors).toBeUndefined();
      expect(run.data!.runDriftCheck.acquired).toBe(true);
      const [report] = run.data!.runDriftCheck.reports;
      const samples = parseExposition((await scrape(service.url, null)).text);
      expect(valueOf(samples, 'credit_monitor_window_check_duration_seconds_count', { window: 'hourly', outcome: 'success' })).toBe(1);
      expect(valueOf(samples, 'credit_monitor_drift_verdicts_total', { kind: 'window', status: report.status.toLowerCase() })).toBe(1);
      expect(valueOf(samples, 'credit_monitor_drift_verdicts_total', { kind: 'batch', status: 'drift' })).toBe(1);
      expect(samplesOf(samples, 'credit_monitor_drift_feature_psi', { kind: 'window' }).length).toBe(10);
      // An unknown window is refused before it runs: no series for a name nobody configured.
      const unknown = await service.gql(`mutation { runDriftCheck(input: { window: "NO_SUCH" }) { acquired } }`);
      expect(unknown.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
      expect(
        samplesOf(parseExposition((await scrape(service.url, null)).text), 'credit_monitor_window_check_duration_seconds_count', {
          window: 'no_such',
        }),
      ).toEqual([]);
    }));

  it('METRICS_PORT serves it on a listener of its own (same token rule) and the main port has none', () =>
    withServices(1, { METRICS_TOKEN: TOKEN, METRICS_PORT: '0' }, async ({ services: [service] }) => {
      const port = service.app.get(MetricsHttpServer).port;
      expect(port).not.toBeNull();
      const metricsUrl = `http://127.0.0.1:${port}`;
      expect(metricsUrl).not.toBe(service.url);
      const main = await scrape(service.url);
      expect(main.response.status).toBe(404);
      expect(JSON.parse(main.text).error.code).toBe('NOT_FOUND');
      expect((await scrape(metricsUrl, null)).response.status).toBe(401);
      const own = await scrape(metricsUrl);
      expect(own.response.status).toBe(200);
      expect(own.response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(own.text).toMatch(/^credit_monitor_build_info\{/m);
      expect((await fetch(`${metricsUrl}/graphql`)).status).toBe(404);
      // The GraphQL API stays on the main port only.
      expect((await service.gql('{ me { role } }')).data).toEqual({ me: { role: 'admin' } });
    }));

  it('stops its event-loop and GC monitors when the application shuts down', async () => {
    // The collectors are process-wide (perf_hooks): one left running per closed application would
    // pile up over a test run. Observed through the registry, which stays readable after close.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const group = await startServices(1, {});
    const metrics = group.services[0].app.get(MetricsService);
    const read = async () => parseExposition(await metrics.registry.metrics());
    /** A scrape starts a fresh delay window; then the loop is held for 60 ms and one GC forced. */
    const afterBusyLoopAndGc = async (): Promise<{ lagMax: number; gcs: number }> => {
      const gcsBefore = samplesOf(await read(), 'nodejs_gc_duration_seconds_count').reduce((n, sample) => n + sample.value, 0);
      const until = Date.now() + 60;
      while (Date.now() < until) {
        // Holding the event loop on purpose.
      }
      gc();
      // GC entries reach the observer asynchronously.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const samples = await read();
      const gcs = samplesOf(samples, 'nodejs_gc_duration_seconds_count').reduce((n, sample) => n + sample.value, 0);
      return { lagMax: valueOf(samples, 'nodejs_eventloop_lag_max_seconds'), gcs: gcs - gcsBefore };
    };
    try {
      const running = await afterBusyLoopAndGc();
      expect(running.lagMax).toBeGreaterThanOrEqual(0.05);
      expect(running.gcs).toBeGreaterThanOrEqual(1);
    } finally {
      await group.close();
    }
    // Stopped: neither the held loop (a stray sample of the monitor's own timer may remain) nor the GC is seen.
    const stopped = await afterBusyLoopAndGc();
    expect(stopped.lagMax).toBeLessThan(0.05);
    expect(stopped.gcs).toBe(0);
  });

  it('METRICS_ENABLED=false removes it', () =>
    withServices(1, { METRICS_ENABLED: 'false' }, async ({ services: [service] }) => {
      expect((await scrape(service.url, null)).response.status).toBe(404);
      expect(service.app.get(MetricsHttpServer).port).toBeNull();
    }));

  it('a batch whose transaction rolls back counts as an error and leaves no drift verdict', async () => {
    class FailingPerformance extends PerformanceService {
      override async recordBatch(_manager: EntityManager, _input: BatchPerformanceInput): Promise<never> {
        throw new Error('injected failure after the drift report was written');
      }
    }
    const customize = (builder: TestingModuleBuilder): TestingModuleBuilder =>
      builder.overrideProvider(PerformanceService).useClass(FailingPerformance);
    await withServices(
      1,
      {},
      async ({ services: [service], sql }) => {
        const response = await service.gql(INGEST, {
          input: { batchId: 'rolled-back', records: generatedRecords(400, 62, 'larger_loans', 0.8) },
        });
        expect(response.errors![0].extensions!.code).toBe('INTERNAL_SERVER_ERROR');
        expect((await sql.query(`SELECT count(*)::int AS n FROM drift_reports`)).rows[0].n).toBe(0);
        const { response: scraped, text } = await scrape(service.url, null);
        expect(scraped.status).toBe(200);
        const samples = parseExposition(text);
        expect(valueOf(samples, 'credit_monitor_ingest_requests_total', { outcome: 'error' })).toBe(1);
        expect(samplesOf(samples, 'credit_monitor_drift_verdicts_total')).toEqual([]);
        expect(samplesOf(samples, 'credit_monitor_drift_feature_psi')).toEqual([]);
      },
      { customize },
    );
  });
});
