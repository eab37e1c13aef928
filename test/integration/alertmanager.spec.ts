import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestMutation } from '../support/applications';
import { RunningBinary, startBinary } from '../support/binary-process';
import { eventually } from '../support/eventually';
import { generatedRecords } from '../support/generated-data';
import { freePort } from '../support/ports';
import { requireBinary } from '../support/prometheus';
import { ServiceFixture, useServiceFixture } from '../support/service-fixture';

jest.setTimeout(180_000);

interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  updatedAt: string;
  status: { state: string };
}

interface StoredAlert {
  id: string;
  fingerprint: string;
  kind: string;
  feature: string;
  model_version: string;
  severity: string;
  first_seen_at: Date;
}

/**
 * Alert routing to the real Prometheus Alertmanager (Debian package prometheus-alertmanager):
 * a drifting batch opens feature-drift alerts, the outbox posts them to Alertmanager's v2 API,
 * the periodic refresh keeps them firing (their endsAt moves forward), acknowledging keeps them
 * firing, and resolving ends them there at once. One Alertmanager serves both services below;
 * each looks only at its own alerts (by alert_id).
 */
describe('alert routing to Prometheus Alertmanager (real binary)', () => {
  const binary = requireBinary('prometheus-alertmanager', 'prometheus-alertmanager');
  const dir = mkdtempSync(join(tmpdir(), 'credit-monitor-alertmanager-'));
  let port = 0;
  let alertmanager: RunningBinary | null = null;

  beforeAll(async () => {
    port = await freePort();
    writeFileSync(
      join(dir, 'alertmanager.yml'),
      ['route:', '  receiver: blackhole', '  group_wait: 1s', '  group_interval: 1s', 'receivers:', '  - name: blackhole', ''].join('\n'),
    );
    alertmanager = await startBinary({
      command: binary,
      args: [
        `--config.file=${join(dir, 'alertmanager.yml')}`,
        `--storage.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
        '--log.level=warn',
      ],
      what: `Alertmanager on port ${port}`,
      ready: async () => (await fetch(`http://127.0.0.1:${port}/-/ready`)).ok,
    });
  });

  afterAll(async () => {
    await alertmanager?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const serviceEnv = (resendMs: number) => (): Record<string, string> => ({
    ALERTMANAGER_URL: `http://127.0.0.1:${port}/`,
    ALERT_DELIVERY_POLL_MS: '100',
    ALERTMANAGER_RESEND_MS: String(resendMs),
    PUBLIC_URL: 'https://credit-monitor.bank.example/',
  });

  async function activeAlerts(): Promise<AmAlert[]> {
    const response = await fetch(`http://127.0.0.1:${port}/api/v2/alerts?filter=${encodeURIComponent('service="credit-monitor"')}`);
    expect(response.status).toBe(200);
    return (await response.json()) as AmAlert[];
  }

  const inAlertmanager = async (alertId: string): Promise<AmAlert | undefined> =>
    (await activeAlerts()).find((a) => a.labels.alert_id === alertId);

  /** Ingests a drifting batch and returns its first feature-drift alert, once Alertmanager shows it firing. */
  async function driftingAlert(fixture: ServiceFixture, batchId: string): Promise<{ alert: StoredAlert; firing: AmAlert }> {
    const ingested = await fixture.service.gql<{ ingestBatch: { drift: { status: string } } }>(ingestMutation('batchId drift { status }'), {
      input: { batchId, records: generatedRecords(400, 62, 'larger_loans', 0.8) },
    });
    expect(ingested.errors).toBeUndefined();
    expect(ingested.data!.ingestBatch.drift.status).toBe('DRIFT');
    const { rows } = await fixture.sql.query<StoredAlert>(
      `SELECT id, fingerprint, kind, feature, model_version, severity, first_seen_at FROM alerts WHERE kind = 'FEATURE_DRIFT' ORDER BY created_at LIMIT 1`,
    );
    expect(rows).toHaveLength(1);
    const alert = rows[0];
    const firing = await eventually(() => inAlertmanager(alert.id), { what: 'the alert in Alertmanager' });
    return { alert, firing };
  }

  async function setStatus(fixture: ServiceFixture, id: string, status: string): Promise<void> {
    const response = await fixture.service.gql(
      `mutation($input: UpdateAlertStatusInput!) { updateAlertStatus(input: $input) { id status } }`,
      { input: { id, status, note: `${status.toLowerCase()} in the Alertmanager test` } },
      await fixture.service.issueKey('operator'),
    );
    expect(response.errors).toBeUndefined();
  }

  const delivered = (fixture: ServiceFixture, alertId: string, eventType: string) => async (): Promise<Date | undefined> => {
    const { rows } = await fixture.sql.query(
      `SELECT delivered_at FROM alert_notifications WHERE alert_id = $1 AND event_type = $2 AND status = 'DELIVERED'`,
      [alertId, eventType],
    );
    return rows[0]?.delivered_at;
  };

  describe('with a 1 s resend interval: the refresh keeps live alerts firing', () => {
    // The shortest resend interval: firing alerts are posted with endsAt = now + 4 s and re-sent every second.
    const fixture = useServiceFixture(serviceEnv(1000));

    it('posts the labels and annotations, moves endsAt forward while live and acknowledged, and never re-fires a resolved alert', async () => {
      const { alert, firing } = await driftingAlert(fixture, 'alertmanager-refresh');
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

      // The refresh re-sends it: its endsAt moves on (polled, not slept for), through one re-used row.
      const firstEndsAt = new Date(firing.endsAt).getTime();
      await eventually(
        async () => {
          const found = await inAlertmanager(alert.id);
          return found && new Date(found.endsAt).getTime() > firstEndsAt;
        },
        { what: 'endsAt moved forward by a refresh' },
      );
      const refreshRows = await fixture.sql.query(`SELECT 1 FROM alert_notifications WHERE alert_id = $1 AND event_type = 'REFRESH'`, [
        alert.id,
      ]);
      expect(refreshRows.rowCount).toBe(1);

      // Acknowledged: still firing (acknowledging is like a silence, not a resolution), and still refreshed.
      await setStatus(fixture, alert.id, 'ACKNOWLEDGED');
      const acknowledged = await eventually(
        async () => {
          const found = await inAlertmanager(alert.id);
          return found?.annotations.status === 'ACKNOWLEDGED' ? found : undefined;
        },
        { what: 'the acknowledgement in Alertmanager' },
      );
      expect(acknowledged.status.state).toBe('active');
      const acknowledgedEndsAt = new Date(acknowledged.endsAt).getTime();
      await eventually(
        async () => {
          const found = await inAlertmanager(alert.id);
          return found && found.annotations.status === 'ACKNOWLEDGED' && new Date(found.endsAt).getTime() > acknowledgedEndsAt;
        },
        { what: 'the acknowledged alert refreshed' },
      );

      // Resolved: it goes, and the refreshes that follow (of the batch's other alerts) do not bring it back.
      await setStatus(fixture, alert.id, 'RESOLVED');
      const resolvedAt = await eventually(delivered(fixture, alert.id, 'RESOLVED'), { what: 'the RESOLVED notification delivered' });
      await eventually(async () => (await inAlertmanager(alert.id)) === undefined, { what: 'the resolved alert gone from Alertmanager' });
      await eventually(
        async () => {
          const { rows } = await fixture.sql.query(
            `SELECT count(*)::int AS n FROM alert_notifications
             WHERE event_type = 'REFRESH' AND alert_id <> $1 AND status = 'DELIVERED' AND queued_at > $2`,
            [alert.id, resolvedAt],
          );
          return rows[0].n > 0;
        },
        { what: 'a refresh round after the resolution' },
      );
      expect(await inAlertmanager(alert.id)).toBeUndefined();
      const { rows: ownRefresh } = await fixture.sql.query(
        `SELECT queued_at FROM alert_notifications WHERE alert_id = $1 AND event_type = 'REFRESH'`,
        [alert.id],
      );
      expect(new Date(ownRefresh[0].queued_at).getTime()).toBeLessThan(new Date(resolvedAt).getTime());
    });
  });

  describe('with a long resend interval: only the resolution can end an alert', () => {
    // endsAt = now + 4 × 10 min: within this test nothing but the RESOLVED post can end it.
    const fixture = useServiceFixture(serviceEnv(600_000));

    it('acknowledged stays firing; resolved ends at once, while the other alerts of the batch keep firing', async () => {
      const { alert, firing } = await driftingAlert(fixture, 'alertmanager-resolution');
      expect(new Date(firing.endsAt).getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);

      await setStatus(fixture, alert.id, 'ACKNOWLEDGED');
      await eventually(delivered(fixture, alert.id, 'ACKNOWLEDGED'), { what: 'the ACKNOWLEDGED notification delivered' });
      const acknowledged = await inAlertmanager(alert.id);
      expect(acknowledged).toMatchObject({ status: { state: 'active' }, annotations: { status: 'ACKNOWLEDGED' } });
      expect(new Date(acknowledged!.endsAt).getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);

      await setStatus(fixture, alert.id, 'RESOLVED');
      await eventually(delivered(fixture, alert.id, 'RESOLVED'), { what: 'the RESOLVED notification delivered' });
      expect(await inAlertmanager(alert.id)).toBeUndefined();

      const others = await fixture.sql.query(`SELECT id FROM alerts WHERE status = 'OPEN'`);
      expect(others.rowCount).toBeGreaterThan(0);
      await eventually(
        async () => {
          const active = new Set((await activeAlerts()).map((a) => a.labels.alert_id));
          return others.rows.every((other) => active.has(other.id));
        },
        { what: 'every other alert of the batch firing in Alertmanager' },
      );
    });
  });
});
