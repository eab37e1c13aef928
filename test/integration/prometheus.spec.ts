import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ingestMutation } from '../support/applications';
import { RunningBinary, startBinary } from '../support/binary-process';
import { eventually } from '../support/eventually';
import { generatedRecords } from '../support/generated-data';
import { freePort } from '../support/ports';
import { requireBinary } from '../support/prometheus';
import { useServiceFixture } from '../support/service-fixture';

const TOKEN = 'prometheus-scrape-token-0123456789';
const RECORDS = 250;

interface PrometheusResponse<T> {
  status: string;
  data: T;
}
type Vector = { resultType: 'vector'; result: Array<{ metric: Record<string, string>; value: [number, string] }> };
type Targets = { activeTargets: Array<{ labels: Record<string, string>; health: string; lastError: string; scrapeUrl: string }> };
type Rules = { groups: Array<{ name: string; rules: Array<{ name: string; health: string }> }> };

describe('the real Prometheus server scrapes /metrics', () => {
  const fixture = useServiceFixture({ METRICS_TOKEN: TOKEN });
  let prometheus: RunningBinary | null = null;
  let dir = '';
  let api = '';

  beforeAll(async () => {
    const binary = requireBinary('prometheus', 'prometheus');
    const accepted = await fixture.service.gql(ingestMutation('batchId size'), {
      input: { batchId: 'scraped-batch', records: generatedRecords(RECORDS, 7) },
    });
    expect(accepted.errors).toBeUndefined();

    dir = mkdtempSync(join(tmpdir(), 'prometheus-'));
    const target = new URL(fixture.service.url).host;
    // The shipped example rules too: Prometheus refuses to start on a rule file it cannot load.
    copyFileSync(resolve(__dirname, '../../docs/ops/prometheus-rules.yml'), join(dir, 'rules.yml'));
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        'rule_files: [rules.yml]',
        'scrape_configs:',
        '  - job_name: credit-monitor',
        '    metrics_path: /metrics',
        '    authorization:',
        `      credentials: ${TOKEN}`,
        '    static_configs:',
        `      - targets: ['${target}']`,
        // The same target without the token: Prometheus must see it refused.
        '  - job_name: without-token',
        '    metrics_path: /metrics',
        '    static_configs:',
        `      - targets: ['${target}']`,
        '',
      ].join('\n'),
    );
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    prometheus = await startBinary({
      command: binary,
      args: [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      what: `Prometheus at ${api}`,
      ready: async () => (await fetch(`${api}/-/ready`)).ok,
      readyTimeoutMs: 20_000,
    });
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function get<T>(path: string): Promise<T> {
    const response = await fetch(`${api}${path}`);
    const body = (await response.json()) as PrometheusResponse<T>;
    if (body.status !== 'success') throw new Error(`${path}: ${JSON.stringify(body)}`);
    return body.data;
  }

  it('scrapes the instance with the bearer token and reads the ingested record count back through its HTTP API', async () => {
    const up = await eventually(
      async () => {
        const { activeTargets } = await get<Targets>('/api/v1/targets');
        return activeTargets.find((t) => t.labels.job === 'credit-monitor' && t.health === 'up');
      },
      { what: 'the scrape target up', timeoutMs: 30_000 },
    );
    expect(up.scrapeUrl).toBe(`${fixture.service.url}/metrics`);
    expect(up.lastError).toBe('');

    const query = encodeURIComponent('credit_monitor_ingest_records_total');
    const vector = await eventually(
      async () => {
        const data = await get<Vector>(`/api/v1/query?query=${query}`);
        return data.result.length > 0 ? data : undefined;
      },
      { what: 'credit_monitor_ingest_records_total in Prometheus', timeoutMs: 30_000 },
    );
    expect(vector.resultType).toBe('vector');
    expect(vector.result).toEqual([
      {
        metric: {
          __name__: 'credit_monitor_ingest_records_total',
          instance: new URL(fixture.service.url).host,
          job: 'credit-monitor',
          outcome: 'success',
        },
        value: [expect.any(Number), String(RECORDS)],
      },
    ]);

    // Samples keep arriving with every scrape, and the example rules evaluate against them.
    const upQuery = encodeURIComponent('up{job="credit-monitor"}');
    expect((await get<Vector>(`/api/v1/query?query=${upQuery}`)).result[0].value[1]).toBe('1');
    const rules = await eventually(
      async () => {
        const data = await get<Rules>('/api/v1/rules');
        const all = data.groups.flatMap((g) => g.rules);
        return all.length > 0 && all.every((r) => r.health === 'ok') ? all : undefined;
      },
      { what: 'the example rules evaluated', timeoutMs: 20_000 },
    );
    expect(rules.map((r) => r.name)).toContain('CreditMonitorCriticalAlertOpen');
  });

  it('evaluates every query of the Grafana dashboard (its variables filled in) without an error', async () => {
    const dashboard = JSON.parse(readFileSync(resolve(__dirname, '../../docs/ops/grafana-dashboard.json'), 'utf8')) as {
      panels: Array<{ title: string; targets?: Array<{ expr: string }> }>;
    };
    const queries = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));
    expect(queries.length).toBeGreaterThan(10);
    let answered = 0;
    for (const { panel, expr } of queries) {
      const filled = expr
        .replace(/\$job/g, 'credit-monitor')
        .replace(/\$kind/g, 'batch')
        .replace(/\$feature/g, '.*')
        .replace(/\$__rate_interval/g, '1m');
      const response = await fetch(`${api}/api/v1/query?query=${encodeURIComponent(filled)}`);
      const body = (await response.json()) as { status: string; error?: string; data?: Vector };
      expect({ panel, expr: filled, status: body.status, error: body.error }).toEqual({
        panel,
        expr: filled,
        status: 'success',
        error: undefined,
      });
      if ((body.data?.result.length ?? 0) > 0) answered++;
    }
    // Most panels have data after a few scrapes (rates need two samples; some series start at zero).
    expect(answered).toBeGreaterThan(queries.length / 2);
  });

  it('a scrape job without the token finds the target down with a 401 and gets no series', async () => {
    const refused = await eventually(
      async () => {
        const { activeTargets } = await get<Targets>('/api/v1/targets');
        return activeTargets.find((t) => t.labels.job === 'without-token' && t.health === 'down');
      },
      { what: 'the tokenless target scraped', timeoutMs: 30_000 },
    );
    expect(refused.lastError).toMatch(/401/);
    const query = encodeURIComponent('credit_monitor_ingest_records_total{job="without-token"}');
    expect((await get<Vector>(`/api/v1/query?query=${query}`)).result).toEqual([]);
  });
});
