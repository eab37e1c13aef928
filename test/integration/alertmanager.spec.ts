import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestMutation } from '../support/applications';
import { generatedRecords } from '../support/generated-data';
import { freePort, requireBinary } from '../support/prometheus';
import { useServiceFixture } from '../support/service-fixture';
import { eventually } from '../support/webhook-receiver';

jest.setTimeout(180_000);

interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  updatedAt: string;
  status: { state: string };
}

/**
 * Alert routing to the real Prometheus Alertmanager (Debian package prometheus-alertmanager):
 * a drifting batch opens feature-drift alerts, the outbox posts them to Alertmanager's v2 API,
 * the periodic refresh keeps them firing (their endsAt moves forward), acknowledging keeps them
 * firing, and resolving ends them there at once.
 */
describe('alert routing to Prometheus Alertmanager (real binary)', () => {
  const binary = requireBinary('prometheus-alertmanager', 'prometheus-alertmanager');
  const dir = mkdtempSync(join(tmpdir(), 'credit-monitor-alertmanager-'));
  let port = 0;
  let alertmanager: ChildProcess | null = null;
  let output = '';

  beforeAll(async () => {
    port = await freePort();
    writeFileSync(
      join(dir, 'alertmanager.yml'),
      ['route:', '  receiver: blackhole', '  group_wait: 1s', '  group_interval: 1s', 'receivers:', '  - name: blackhole', ''].join('\n'),
    );
    alertmanager = spawn(
      binary,
      [
        `--config.file=${join(dir, 'alertmanager.yml')}`,
        `--storage.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    alertmanager.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    alertmanager.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await eventually(
      `Alertmanager ready on port ${port}`,
      async () => {
        if (alertmanager!.exitCode !== null) throw new Error(`alertmanager exited ${alertmanager!.exitCode}: ${output}`);
        return (await fetch(`http://127.0.0.1:${port}/-/ready`)).ok;
      },
      30_000,
    );
  });

  afterAll(async () => {
    if (alertmanager && alertmanager.exitCode === null) {
      const exited = new Promise((resolve) => alertmanager!.once('exit', resolve));
      alertmanager.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const fixture = useServiceFixture(() => ({
    ALERTMANAGER_URL: `http://127.0.0.1:${port}/`,
    ALERT_DELIVERY_POLL_MS: '100',
    // The shortest resend interval: firing alerts are posted with endsAt = now + 4 s and re-sent every second.
    ALERTMANAGER_RESEND_MS: '1000',
    PUBLIC_URL: 'https://credit-monitor.bank.example/',
  }));

  async function activeAlerts(): Promise<AmAlert[]> {
    const response = await fetch(`http://127.0.0.1:${port}/api/v2/alerts?filter=${encodeURIComponent('service="credit-monitor"')}`);
    expect(response.status).toBe(200);
    return (await response.json()) as AmAlert[];
  }

  const inAlertmanager = async (alertId: string): Promise<AmAlert | undefined> =>
    (await activeAlerts()).find((a) => a.labels.alert_id === alertId);

  async function setStatus(id: string, status: string, key: Awaited<ReturnType<typeof fixture.service.issueKey>>): Promise<void> {
    const response = await fixture.service.gql(
      `mutation($input: UpdateAlertStatusInput!) { updateAlertStatus(input: $input) { id status } }`,
      { input: { id, status, note: `${status.toLowerCase()} in the Alertmanager test` } },
      key,
    );
    expect(response.errors).toBeUndefined();
  }

  it('a drifting batch reaches Alertmanager with its labels, stays firing while live and acknowledged, and ends when resolved', async () => {
    const ingested = await fixture.service.gql<{ ingestBatch: { drift: { status: string } } }>(ingestMutation('batchId drift { status }'), {
      input: { batchId: 'alertmanager-drift', records: generatedRecords(400, 62, 'larger_loans', 0.8) },
    });
    expect(ingested.errors).toBeUndefined();
    expect(ingested.data!.ingestBatch.drift.status).toBe('DRIFT');
    const { rows } = await fixture.sql.query(
      `SELECT id, fingerprint, kind, feature, model_version, severity, first_seen_at FROM alerts WHERE kind = 'FEATURE_DRIFT' ORDER BY created_at LIMIT 1`,
    );
    expect(rows).toHaveLength(1);
    const alert = rows[0];

    const firing = await eventually('the alert in Alertmanager', () => inAlertmanager(alert.id));
    expect(firing.labels).toEqual({
      alertname: 'CreditMonitorFeatureDrift',
      alert_id: alert.id,
      fingerprint: alert.fingerprint,
      severity: String(alert.severity).toLowerCase(),
      kind: 'feature_drift',
      feature: alert.feature,
      model_version: alert.model_version,
      service: 'credit-monitor',
    });
    expect(firing.annotations).toMatchObject({
      title: `Feature drift on ${alert.feature} (model ${alert.model_version})`,
      dashboard: 'https://credit-monitor.bank.example/dashboard',
      status: 'OPEN',
    });
    expect(firing.annotations.description.length).toBeGreaterThan(10);
    expect(firing.status.state).toBe('active');
    expect(new Date(firing.startsAt).getTime()).toBe(new Date(alert.first_seen_at).getTime());
    expect(new Date(firing.endsAt).getTime()).toBeGreaterThan(Date.now());

    // The refresh re-sends it: its endsAt moves on, and it outlives the 4 s lease of the first post.
    const firstEndsAt = new Date(firing.endsAt).getTime();
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const refreshed = await inAlertmanager(alert.id);
    expect(refreshed).toBeDefined();
    expect(new Date(refreshed!.endsAt).getTime()).toBeGreaterThan(firstEndsAt);
    const refreshRows = await fixture.sql.query(`SELECT status FROM alert_notifications WHERE alert_id = $1 AND event_type = 'REFRESH'`, [
      alert.id,
    ]);
    expect(refreshRows.rows).toHaveLength(1);

    // Acknowledged: still firing (acknowledging is like a silence, not a resolution).
    const operator = await fixture.service.issueKey('operator');
    await setStatus(alert.id, 'ACKNOWLEDGED', operator);
    const acknowledged = await eventually('the acknowledgement in Alertmanager', async () => {
      const found = await inAlertmanager(alert.id);
      return found?.annotations.status === 'ACKNOWLEDGED' ? found : undefined;
    });
    expect(acknowledged.status.state).toBe('active');

    await setStatus(alert.id, 'RESOLVED', operator);
    await eventually('the RESOLVED notification delivered', async () => {
      const delivered = await fixture.sql.query(
        `SELECT 1 FROM alert_notifications WHERE alert_id = $1 AND event_type = 'RESOLVED' AND status = 'DELIVERED'`,
        [alert.id],
      );
      return delivered.rowCount === 1;
    });
    // Right after that delivery: the last refresh said endsAt >= now + 3 s, so only the
    // resolution (endsAt = resolvedAt, in the past) can have ended it.
    expect(await inAlertmanager(alert.id)).toBeUndefined();
    // No refresh brings it back.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await inAlertmanager(alert.id)).toBeUndefined();
    // The other alerts of the batch are still firing there.
    const others = await fixture.sql.query(`SELECT id FROM alerts WHERE status = 'OPEN'`);
    expect(others.rowCount).toBeGreaterThan(0);
    const active = new Set((await activeAlerts()).map((a) => a.labels.alert_id));
    for (const other of others.rows) expect(active.has(other.id)).toBe(true);
  });
});
