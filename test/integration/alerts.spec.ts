import { DataSource } from 'typeorm';
import { AlertsService } from '../../src/alerts/alerts.service';
import { ingestMutation } from '../support/applications';
import { generatedRecords } from '../support/generated-data';
import { IssuedKey, uniqueKeyName } from '../support/keys';
import { useServiceFixture } from '../support/service-fixture';
import { driftReport, insertReportRow, MODEL, reportDrift } from '../unit/alerts/drift-report.fixture';

const ALERT_FIELDS = `id fingerprint kind feature modelVersion severity status message occurrences worstScore
  latestDriftReportId previousAlertId snoozedUntil clearChecks firstSeenAt lastSeenAt resolvedAt`;

const ALERTS = `query Alerts($filter: AlertsFilter, $first: Int, $after: String) {
  alerts(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${ALERT_FIELDS} } }
  }
}`;

const ALERT = `query Alert($id: ID!) {
  alert(id: $id) { ${ALERT_FIELDS} events(first: 100) { totalCount edges { node { id type actor note details occurredAt alert { status occurrences } } } } }
}`;

const UPDATE_STATUS = `mutation Update($input: UpdateAlertStatusInput!) {
  updateAlertStatus(input: $input) { ${ALERT_FIELDS} }
}`;

interface AlertNode {
  id: string;
  fingerprint: string;
  kind: string;
  feature: string | null;
  severity: string;
  status: string;
  occurrences: number;
  worstScore: number | null;
  latestDriftReportId: string | null;
  previousAlertId: string | null;
  snoozedUntil: string | null;
  clearChecks: number;
  resolvedAt: string | null;
}

interface AlertsPage {
  alerts: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: Array<{ cursor: string; node: AlertNode }>;
  };
}

describe('alerts: rules, deduplication, lifecycle, queries (real PostgreSQL)', () => {
  let model = 0;

  /** Each test uses its own model version, so fingerprints never collide across tests. */
  const nextModel = (): string => `${MODEL}-${++model}`;

  const fixture = useServiceFixture({ ALERT_AUTO_RESOLVE_CHECKS: '3' });

  async function alertsOf(modelVersion: string): Promise<AlertNode[]> {
    const rows = await fixture.sql.query(`SELECT id FROM alerts WHERE model_version = $1 ORDER BY created_at, fingerprint`, [modelVersion]);
    return Promise.all(rows.rows.map(async (r) => (await fixture.service.gql<{ alert: AlertNode }>(ALERT, { id: r.id })).data!.alert));
  }

  async function eventTypes(alertId: string): Promise<string[]> {
    const rows = await fixture.sql.query(`SELECT type FROM alert_events WHERE alert_id = $1 ORDER BY id`, [alertId]);
    return rows.rows.map((r) => r.type);
  }

  /** As the fixture's admin key, or as `key`; an x-actor header is sent too, to show it means nothing. */
  function updateStatus(input: Record<string, unknown>, key?: IssuedKey) {
    return fixture.service
      .fetch(
        '/graphql',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-actor': 'risk-officer' },
          body: JSON.stringify({ query: UPDATE_STATUS, variables: { input } }),
        },
        key,
      )
      .then(
        (r) =>
          r.json() as Promise<{
            data?: { updateAlertStatus: AlertNode };
            errors?: Array<{ message: string; extensions: Record<string, unknown> }>;
          }>,
      );
  }

  async function openFeatureAlert(modelVersion: string, featureName = 'age', psi = 0.3): Promise<AlertNode> {
    await reportDrift(fixture.service.app, { modelVersion, drifted: { [featureName]: psi } });
    const alerts = await alertsOf(modelVersion);
    return alerts.find((a) => a.feature === featureName)!;
  }

  it('ten drifting batches make one open alert with ten occurrences (and one dataset alert)', async () => {
    const modelVersion = nextModel();
    const reports = [];
    for (let i = 0; i < 10; i++) reports.push(await reportDrift(fixture.service.app, { modelVersion, drifted: { age: 0.2 + i * 0.01 } }));

    const alerts = await alertsOf(modelVersion);
    expect(alerts.map((a) => [a.kind, a.feature, a.status, a.occurrences])).toEqual([
      ['DATASET_DRIFT', null, 'OPEN', 10],
      ['FEATURE_DRIFT', 'age', 'OPEN', 10],
    ]);
    const age = alerts[1];
    expect(age.fingerprint).toBe(`${modelVersion}:FEATURE_DRIFT:age`);
    expect(age.worstScore).toBeCloseTo(0.29, 10);
    expect(age.latestDriftReportId).toBe(reports[9].reportId);
    // PSI 0.2 is MEDIUM; later occurrences past 0.25 escalate it to HIGH.
    expect(age.severity).toBe('HIGH');
    expect(await eventTypes(age.id)).toEqual(['CREATED', ...Array(9).fill('UPDATED')]);
  });

  it('end to end: ten drifting batches ingested through GraphQL make one open loanAmount alert with ten occurrences', async () => {
    let modelVersion = '';
    for (let i = 0; i < 10; i++) {
      const response = await fixture.service.gql<{ ingestBatch: { modelVersion: string; drift: { status: string } } }>(
        ingestMutation('modelVersion drift { status }'),
        { input: { batchId: `larger-loans-${i}`, records: generatedRecords(400, 500 + i, 'larger_loans', 0.8) } },
      );
      expect(response.data!.ingestBatch.drift.status).toBe('DRIFT');
      modelVersion = response.data!.ingestBatch.modelVersion;
    }
    const loan = (await alertsOf(modelVersion)).filter((a) => a.feature === 'loanAmount');
    expect(loan.map((a) => [a.kind, a.status, a.occurrences])).toEqual([['FEATURE_DRIFT', 'OPEN', 10]]);
    expect(await eventTypes(loan[0].id)).toEqual(['CREATED', ...Array(9).fill('UPDATED')]);
  });

  it('grades severity by PSI band, by how many features drifted, and escalates prediction drift', async () => {
    const modelVersion = nextModel();
    await reportDrift(fixture.service.app, {
      modelVersion,
      drifted: { age: 0.12, loanAmount: 0.3, annualIncome: 0.6, prediction: 0.12, debtToIncome: 0.3 },
    });
    const bySubject = Object.fromEntries((await alertsOf(modelVersion)).map((a) => [a.feature ?? a.kind, a.severity]));
    expect(bySubject).toEqual({
      age: 'MEDIUM',
      loanAmount: 'HIGH',
      annualIncome: 'CRITICAL',
      debtToIncome: 'HIGH',
      prediction: 'HIGH',
      DATASET_DRIFT: 'CRITICAL',
    });
  });

  it('raises data-quality alerts when duplicate or out-of-support shares pass their thresholds', async () => {
    const modelVersion = nextModel();
    // 500 rows: 60 repeated ids = 12% (> 5%, 2.4x: MEDIUM); 400 of 4,000 values out of support = 10% (10x 1%: CRITICAL).
    await reportDrift(fixture.service.app, { modelVersion, dataQuality: { duplicateCustomerIds: 60, outOfSupportValues: 400 } });
    const alerts = await alertsOf(modelVersion);
    expect(alerts.map((a) => [a.kind, a.feature, a.severity]).sort()).toEqual([
      ['DATA_QUALITY', 'duplicateShare', 'MEDIUM'],
      ['DATA_QUALITY', 'outOfSupportShare', 'CRITICAL'],
    ]);
  });

  it('raises a performance alert when ROC AUC falls below ALERT_MIN_ROC_AUC', async () => {
    const modelVersion = nextModel();
    const alerts = fixture.service.app.get(AlertsService);
    await fixture.service.app.get(DataSource).transaction((manager) =>
      alerts.onPerformanceUpdated(manager, {
        modelVersion,
        scope: 'WINDOW',
        batchId: null,
        realizedRocAuc: 0.58,
        estimatedRocAuc: 0.7,
        referenceRocAuc: null,
        labelledCount: 400,
        occurredAt: new Date(),
      }),
    );
    const [alert] = await alertsOf(modelVersion);
    expect(alert).toMatchObject({ kind: 'PERFORMANCE', feature: 'realizedRocAuc', severity: 'HIGH', status: 'OPEN' });
    expect(alert.worstScore).toBeCloseTo(0.07, 10);
  });

  it('acknowledges then resolves, recording who (the authenticated principal, never the x-actor header), when and why', async () => {
    const alert = await openFeatureAlert(nextModel());
    const jane = await fixture.service.issueKey('operator', { name: uniqueKeyName('jane@risk') });
    const acked = await updateStatus({ id: alert.id, status: 'ACKNOWLEDGED', note: 'looking into the age shift' }, jane);
    expect(acked.errors).toBeUndefined();
    expect(acked.data!.updateAlertStatus.status).toBe('ACKNOWLEDGED');
    const resolved = await updateStatus({ id: alert.id, status: 'RESOLVED', note: 'upstream fixed' });
    expect(resolved.data!.updateAlertStatus).toMatchObject({ status: 'RESOLVED' });
    expect(resolved.data!.updateAlertStatus.resolvedAt).not.toBeNull();

    const history = (
      await fixture.service.gql<{
        alert: {
          events: {
            totalCount: number;
            edges: Array<{
              node: { type: string; actor: string; note: string | null; details: Record<string, unknown>; alert: { status: string } };
            }>;
          };
        };
      }>(ALERT, { id: alert.id })
    ).data!.alert.events;
    expect(history.totalCount).toBe(3);
    expect(history.edges.map((e) => [e.node.type, e.node.actor, e.node.note, e.node.alert.status])).toEqual([
      ['CREATED', 'system', null, 'OPEN'],
      ['ACKNOWLEDGED', jane.name, 'looking into the age shift', 'ACKNOWLEDGED'],
      ['RESOLVED', fixture.service.adminKey.name, 'upstream fixed', 'RESOLVED'],
    ]);
    expect(history.edges[2].node.details).toMatchObject({ previousStatus: 'ACKNOWLEDGED' });
  });

  it('resolves an open alert directly', async () => {
    const alert = await openFeatureAlert(nextModel());
    const resolved = await updateStatus({ id: alert.id, status: 'RESOLVED' });
    expect(resolved.data!.updateAlertStatus.status).toBe('RESOLVED');
    expect(await eventTypes(alert.id)).toEqual(['CREATED', 'RESOLVED']);
  });

  describe('rejects invalid transitions with BAD_USER_INPUT naming the current state, changing nothing', () => {
    const cases: Array<[string, string[], string]> = [
      ['OPEN -> OPEN', [], 'OPEN'],
      ['ACKNOWLEDGED -> ACKNOWLEDGED', ['ACKNOWLEDGED'], 'ACKNOWLEDGED'],
      ['ACKNOWLEDGED -> OPEN', ['ACKNOWLEDGED'], 'OPEN'],
      ['RESOLVED -> OPEN', ['RESOLVED'], 'OPEN'],
      ['RESOLVED -> ACKNOWLEDGED', ['RESOLVED'], 'ACKNOWLEDGED'],
      ['RESOLVED -> RESOLVED', ['ACKNOWLEDGED', 'RESOLVED'], 'RESOLVED'],
    ];
    it.each(cases)('%s', async (_name, path, target) => {
      const alert = await openFeatureAlert(nextModel());
      for (const status of path) expect((await updateStatus({ id: alert.id, status })).errors).toBeUndefined();
      const current = path.length ? path[path.length - 1] : 'OPEN';
      const eventsBefore = await eventTypes(alert.id);
      const response = await updateStatus({ id: alert.id, status: target });
      expect(response.data ?? null).toBeNull();
      expect(response.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', currentStatus: current, requestedStatus: target });
      expect(response.errors![0].message).toContain(`is ${current}`);
      expect(await eventTypes(alert.id)).toEqual(eventsBefore);
    });

    it('an unknown alert is NOT_FOUND', async () => {
      for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
        const response = await updateStatus({ id, status: 'RESOLVED' });
        expect(response.errors![0].extensions.code).toBe('NOT_FOUND');
      }
    });

    it('a snoozeUntil in the past is BAD_USER_INPUT', async () => {
      const alert = await openFeatureAlert(nextModel());
      const response = await updateStatus({
        id: alert.id,
        status: 'ACKNOWLEDGED',
        snoozeUntil: new Date(Date.now() - 60_000).toISOString(),
      });
      expect(response.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', problems: [{ field: 'snoozeUntil' }] });
    });
  });

  it('snoozes an alert while acknowledging it, without hiding it', async () => {
    const alert = await openFeatureAlert(nextModel());
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const acked = await updateStatus({ id: alert.id, status: 'ACKNOWLEDGED', snoozeUntil: until });
    expect(acked.data!.updateAlertStatus.snoozedUntil).toBe(until);
    const listed = await fixture.service.gql<AlertsPage>(ALERTS, { filter: { status: 'ACKNOWLEDGED' }, first: 500 });
    expect(listed.data!.alerts.edges.map((e) => e.node.id)).toContain(alert.id);
  });

  it('a resolved alert that fires again reopens as a new alert linked to the previous one', async () => {
    const modelVersion = nextModel();
    const first = await openFeatureAlert(modelVersion, 'loanAmount');
    await updateStatus({ id: first.id, status: 'RESOLVED' });
    await reportDrift(fixture.service.app, { modelVersion, drifted: { loanAmount: 0.4 } });

    const live = await fixture.sql.query(
      `SELECT id, previous_alert_id, status, occurrences FROM alerts WHERE fingerprint = $1 ORDER BY created_at`,
      [first.fingerprint],
    );
    expect(live.rows).toHaveLength(2);
    expect(live.rows[0]).toMatchObject({ id: first.id, status: 'RESOLVED' });
    expect(live.rows[1]).toMatchObject({ previous_alert_id: first.id, status: 'OPEN', occurrences: 1 });
    expect(await eventTypes(live.rows[1].id)).toEqual(['REOPENED']);
  });

  it('auto-resolves after ALERT_AUTO_RESOLVE_CHECKS consecutive clear window checks; a new detection resets the count', async () => {
    const modelVersion = nextModel();
    const alert = await openFeatureAlert(modelVersion, 'creditUtilization');
    const clearWindow = { modelVersion, kind: 'WINDOW' as const };
    await reportDrift(fixture.service.app, clearWindow);
    await reportDrift(fixture.service.app, clearWindow);
    expect((await alertsOf(modelVersion)).find((a) => a.id === alert.id)).toMatchObject({ status: 'OPEN', clearChecks: 2 });

    // Drift again: the count starts over.
    await reportDrift(fixture.service.app, { modelVersion, kind: 'WINDOW', drifted: { creditUtilization: 0.3 } });
    expect((await alertsOf(modelVersion)).find((a) => a.id === alert.id)).toMatchObject({ clearChecks: 0, occurrences: 2 });

    // Not evaluated is not "clear": it does not count.
    await reportDrift(fixture.service.app, { ...clearWindow, notEvaluated: ['creditUtilization'] });
    for (let i = 0; i < 3; i++) await reportDrift(fixture.service.app, clearWindow);
    const resolved = (await alertsOf(modelVersion)).find((a) => a.id === alert.id)!;
    expect(resolved.status).toBe('RESOLVED');
    expect(await eventTypes(alert.id)).toEqual(['CREATED', 'UPDATED', 'AUTO_RESOLVED']);
    const actor = await fixture.sql.query(`SELECT actor, details FROM alert_events WHERE alert_id = $1 AND type = 'AUTO_RESOLVED'`, [
      alert.id,
    ]);
    expect(actor.rows[0]).toMatchObject({ actor: 'system', details: { clearChecks: 3, previousStatus: 'OPEN' } });

    // Batch reports never count as drift clear checks (too little power).
    const other = await openFeatureAlert(modelVersion, 'age');
    for (let i = 0; i < 4; i++) await reportDrift(fixture.service.app, { modelVersion });
    expect((await alertsOf(modelVersion)).find((a) => a.id === other.id)).toMatchObject({ status: 'OPEN', clearChecks: 0 });
  });

  it('an alert change rolled back with its transaction leaves no alert and no event', async () => {
    const modelVersion = nextModel();
    const before = await fixture.sql.query(`SELECT count(*)::int AS n FROM alert_events`);
    const event = driftReport({ modelVersion, drifted: { age: 0.5 } });
    await expect(
      fixture.service.app.get(DataSource).transaction(async (manager) => {
        await insertReportRow(manager, event);
        await fixture.service.app.get(AlertsService).onDriftReport(manager, event);
        throw new Error('ingestion failed after the alert was written');
      }),
    ).rejects.toThrow('ingestion failed');
    const after = await fixture.sql.query(`SELECT count(*)::int AS n FROM alert_events`);
    expect(after.rows[0].n).toBe(before.rows[0].n);
    expect((await fixture.sql.query(`SELECT count(*)::int AS n FROM alerts WHERE model_version = $1`, [modelVersion])).rows[0].n).toBe(0);
  });

  it('refuses to change alerts outside a transaction', async () => {
    await expect(
      fixture.service.app
        .get(AlertsService)
        .onDriftReport(fixture.service.app.get(DataSource).manager, driftReport({ drifted: { age: 0.5 } })),
    ).rejects.toThrow(/inside a transaction/);
  });

  describe('queries', () => {
    let modelVersion: string;
    beforeAll(async () => {
      modelVersion = nextModel();
      // 4 feature alerts (2 MEDIUM, 2 HIGH) + 1 dataset alert (CRITICAL, 4 features) + prediction (HIGH).
      await reportDrift(fixture.service.app, {
        modelVersion,
        drifted: { age: 0.12, loanAmount: 0.15, annualIncome: 0.3, debtToIncome: 0.3, prediction: 0.12 },
      });
      const ack = (await alertsOf(modelVersion)).find((a) => a.feature === 'age')!;
      await updateStatus({ id: ack.id, status: 'ACKNOWLEDGED' });
    });

    async function page(filter: Record<string, unknown>, first = 500, after?: string) {
      const response = await fixture.service.gql<AlertsPage>(ALERTS, { filter: { ...filter }, first, after });
      expect(response.errors).toBeUndefined();
      return response.data!.alerts;
    }

    it('filters by status, severity, feature, kind and time, combined', async () => {
      const all = await page({});
      const mine = all.edges.filter((e) => e.node.fingerprint.startsWith(`${modelVersion}:`));
      expect(mine).toHaveLength(6);
      const since = new Date(Date.now() - 3_600_000).toISOString();

      expect((await page({ feature: 'loanAmount' })).edges.every((e) => e.node.feature === 'loanAmount')).toBe(true);
      const mediumFeatures = (await page({ severity: 'MEDIUM', kind: 'FEATURE_DRIFT', from: since })).edges.filter((e) =>
        e.node.fingerprint.startsWith(`${modelVersion}:`),
      );
      expect(mediumFeatures.map((e) => e.node.feature).sort()).toEqual(['age', 'loanAmount']);
      const acked = (await page({ status: 'ACKNOWLEDGED', kind: 'FEATURE_DRIFT', severity: 'MEDIUM' })).edges.filter((e) =>
        e.node.fingerprint.startsWith(`${modelVersion}:`),
      );
      expect(acked.map((e) => e.node.feature)).toEqual(['age']);
      expect(
        (await page({ kind: 'PREDICTION_DRIFT', feature: 'prediction' })).edges.some(
          (e) => e.node.fingerprint === `${modelVersion}:PREDICTION_DRIFT:prediction`,
        ),
      ).toBe(true);
      expect((await page({ to: since })).totalCount).toBe(0);
      expect((await page({ from: new Date(Date.now() + 60_000).toISOString() })).totalCount).toBe(0);
    });

    it('pages through every alert with first/after, newest first, without repeats or gaps', async () => {
      const everything = await page({}, 500);
      const seen: string[] = [];
      let after: string | undefined;
      let pages = 0;
      for (;;) {
        const current = await page({}, 4, after);
        expect(current.totalCount).toBe(everything.totalCount);
        seen.push(...current.edges.map((e) => e.node.id));
        pages++;
        if (!current.pageInfo.hasNextPage) break;
        after = current.pageInfo.endCursor!;
      }
      expect(seen).toEqual(everything.edges.map((e) => e.node.id));
      expect(new Set(seen).size).toBe(seen.length);
      expect(pages).toBe(Math.ceil(everything.totalCount / 4));
    });

    it('rejects a bad cursor and a bad page size', async () => {
      expect((await fixture.service.gql(ALERTS, { first: 5, after: 'garbage' })).errors![0].extensions!.code).toBe('BAD_USER_INPUT');
      expect((await fixture.service.gql(ALERTS, { first: 0 })).errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    });

    it('alert(id) returns the alert with its history; an unknown id is NOT_FOUND', async () => {
      const [first] = (await page({ kind: 'DATASET_DRIFT' })).edges.filter((e) => e.node.fingerprint.startsWith(`${modelVersion}:`));
      const response = await fixture.service.gql<{ alert: AlertNode & { events: { totalCount: number } } }>(ALERT, { id: first.node.id });
      expect(response.data!.alert).toMatchObject({
        id: first.node.id,
        kind: 'DATASET_DRIFT',
        severity: 'CRITICAL',
        events: { totalCount: 1 },
      });
      expect((await fixture.service.gql(ALERT, { id: '00000000-0000-4000-8000-000000000000' })).errors![0].extensions!.code).toBe(
        'NOT_FOUND',
      );
    });

    it('alertSummary counts alerts by status and severity, matching the table', async () => {
      const response = await fixture.service.gql<{
        alertSummary: {
          total: number;
          byStatus: Array<{ status: string; count: number }>;
          liveBySeverity: Array<{ severity: string; count: number }>;
          counts: Array<{ status: string; severity: string; count: number }>;
        };
      }>(`{ alertSummary { total byStatus { status count } liveBySeverity { severity count } counts { status severity count } } }`);
      const summary = response.data!.alertSummary;
      const table = await fixture.sql.query(`SELECT status, severity, count(*)::int AS n FROM alerts GROUP BY 1, 2`);
      const expected = (status?: string, severity?: string) =>
        table.rows.filter((r) => (!status || r.status === status) && (!severity || r.severity === severity)).reduce((n, r) => n + r.n, 0);
      expect(summary.total).toBe(expected());
      expect(summary.byStatus).toEqual(['OPEN', 'ACKNOWLEDGED', 'RESOLVED'].map((status) => ({ status, count: expected(status) })));
      expect(summary.liveBySeverity).toEqual(
        ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'].map((severity) => ({
          severity,
          count: expected('OPEN', severity) + expected('ACKNOWLEDGED', severity),
        })),
      );
      expect(summary.counts).toHaveLength(12);
      expect(summary.counts.reduce((n, c) => n + c.count, 0)).toBe(summary.total);
    });
  });
});
