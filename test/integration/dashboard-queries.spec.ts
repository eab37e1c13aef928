import { join } from 'node:path';
import { generateRows, loadProfile } from '../../datasets/generator';
import { DRIFT_COLUMNS } from '../../src/drift-engine/columns';
import { rocAucStandardError } from '../../src/performance/auc-standard-error';
import { ROLE_MATRIX } from '../../src/security/role-matrix';
import { rocAuc } from '../../src/stats/classification-metrics';
import { ingestMutation } from '../support/applications';
import { generatedCsvFolder, generatedRecords } from '../support/generated-data';
import type { IssuedKey } from '../support/keys';
import { useServiceFixture } from '../support/service-fixture';

/**
 * The queries and fields the dashboard's charts and alert console read: alert counts per time
 * bucket, the newest alert event id (the seam between history and the live feed), the drift
 * thresholds in force, the stored threshold and adjusted p-value per metric point, the window
 * filter on drift reports, the realized ROC AUC's confidence interval, and what a key may call.
 */
describe('dashboard queries (real PostgreSQL)', () => {
  const data = generatedCsvFolder(4_000, 131);
  const fixture = useServiceFixture({
    BASELINE_DATA_DIR: data.dir,
    BASELINE_SEED_PATH: join(data.dir, data.file),
    DRIFT_FEATURE_OVERRIDES: JSON.stringify({ loanAmount: { psiThreshold: 0.2 }, employmentYears: { enabled: false } }),
  });
  const HOUR = 3_600_000;

  async function ok<T>(query: string, variables?: Record<string, unknown>, key?: IssuedKey): Promise<T> {
    const response = await fixture.service.gql<T>(query, variables, key);
    expect(response.errors).toBeUndefined();
    return response.data!;
  }
  async function errorOf(query: string, variables?: Record<string, unknown>): Promise<{ code: unknown; message: string }> {
    const response = await fixture.service.gql(query, variables);
    expect(response.errors).toHaveLength(1);
    return { code: response.errors![0].extensions?.code, message: response.errors![0].message };
  }

  it('latestEventId is "0" on an empty log and then the newest committed alert event id', async () => {
    // "0" when this test runs first (an empty log); the table's newest id when others ran before it.
    const before = (await fixture.sql.query(`SELECT coalesce(max(id), 0)::text AS id FROM alert_events`)).rows[0].id as string;
    expect((await ok<{ alertSummary: { latestEventId: string } }>(`{ alertSummary { latestEventId } }`)).alertSummary.latestEventId).toBe(
      before,
    );
    await ok(ingestMutation('batchId'), { input: { batchId: 'dq-drift-1', records: generatedRecords(400, 132, 'larger_loans', 0.8) } });
    const max = (await fixture.sql.query(`SELECT max(id)::text AS id FROM alert_events`)).rows[0].id as string;
    expect(Number(max)).toBeGreaterThan(0);
    expect((await ok<{ alertSummary: { latestEventId: string } }>(`{ alertSummary { latestEventId } }`)).alertSummary.latestEventId).toBe(
      max,
    );
  });

  it('alertCountHistory counts the alerts opened per bucket by severity, as the table holds them', async () => {
    await ok(ingestMutation('batchId'), { input: { batchId: 'dq-drift-2', records: generatedRecords(400, 133, 'income_drop', 0.8) } });
    // Spread the alerts over three hours, as if opened at different times.
    await fixture.sql.query(
      `UPDATE alerts SET created_at = date_trunc('hour', now()) - (row_number * interval '1 hour') + interval '5 minutes'
       FROM (SELECT id AS aid, (row_number() OVER (ORDER BY id)) % 3 AS row_number FROM alerts) AS numbered WHERE alerts.id = numbered.aid`,
    );
    const expected = (
      await fixture.sql.query(
        `SELECT date_trunc('hour', created_at) AS bucket, severity, count(*)::int AS n FROM alerts GROUP BY 1, 2 ORDER BY 1, 2`,
      )
    ).rows as Array<{ bucket: Date; severity: string; n: number }>;
    const to = new Date(Date.now() + HOUR);
    const from = new Date(to.getTime() - 6 * HOUR);
    const { alertCountHistory } = await ok<{
      alertCountHistory: Array<{
        bucketStart: string;
        bucketEnd: string;
        opened: number;
        bySeverity: Array<{ severity: string; count: number }>;
      }>;
    }>(
      `query($from: DateTime!, $to: DateTime!) { alertCountHistory(from: $from, to: $to, bucket: HOUR) {
        bucketStart bucketEnd opened bySeverity { severity count } } }`,
      { from: from.toISOString(), to: to.toISOString() },
    );
    const buckets = [...new Set(expected.map((r) => r.bucket.getTime()))];
    expect(buckets.length).toBeGreaterThanOrEqual(2);
    expect(alertCountHistory.map((p) => Date.parse(p.bucketStart))).toEqual(buckets);
    for (const point of alertCountHistory) {
      expect(Date.parse(point.bucketEnd) - Date.parse(point.bucketStart)).toBe(HOUR);
      const rows = expected.filter((r) => r.bucket.getTime() === Date.parse(point.bucketStart));
      expect(point.opened).toBe(rows.reduce((n, r) => n + r.n, 0));
      expect(point.bySeverity.map((s) => s.severity)).toEqual(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);
      for (const s of point.bySeverity) expect(s.count).toBe(rows.find((r) => r.severity === s.severity)?.n ?? 0);
    }
    // Daily buckets hold the same total; a range without alerts is empty.
    const daily = await ok<{ alertCountHistory: Array<{ opened: number }> }>(
      `{ alertCountHistory(from: "${new Date(Date.now() - 3 * 86_400_000).toISOString()}", to: "${to.toISOString()}", bucket: DAY) { opened } }`,
    );
    expect(daily.alertCountHistory.reduce((n, p) => n + p.opened, 0)).toBe(expected.reduce((n, r) => n + r.n, 0));
    const empty = await ok<{ alertCountHistory: unknown[] }>(
      `{ alertCountHistory(from: "2001-01-01T00:00:00Z", to: "2001-01-02T00:00:00Z") { opened } }`,
    );
    expect(empty.alertCountHistory).toEqual([]);
  });

  it('alertCountHistory refuses a backwards range and too many buckets, naming the field', async () => {
    const backwards = await errorOf(`{ alertCountHistory(from: "2026-01-02T00:00:00Z", to: "2026-01-01T00:00:00Z") { opened } }`);
    expect(backwards).toEqual({ code: 'BAD_USER_INPUT', message: 'to: must be after from' });
    const tooMany = await errorOf(
      `{ alertCountHistory(from: "2000-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z", bucket: FIFTEEN_MINUTES) { opened } }`,
    );
    expect(tooMany.code).toBe('BAD_USER_INPUT');
    expect(tooMany.message).toMatch(/^bucket: the range spans more than 2000 FIFTEEN_MINUTES buckets/);
  });

  it('driftSettings lists every monitored column with its overrides applied', async () => {
    const { driftSettings } = await ok<{
      driftSettings: {
        minSampleSize: number;
        alertPsiModerate: number;
        alertPsiSignificant: number;
        columns: Array<{ feature: string; kind: string; enabled: boolean; alpha: number; psiThreshold: number; effectThreshold: number }>;
      };
    }>(
      `{ driftSettings { minSampleSize alertPsiModerate alertPsiSignificant columns { feature kind enabled alpha psiThreshold effectThreshold } } }`,
    );
    expect(driftSettings).toMatchObject({ minSampleSize: 30, alertPsiModerate: 0.1, alertPsiSignificant: 0.25 });
    expect(driftSettings.columns.map((c) => c.feature)).toEqual([...DRIFT_COLUMNS, 'multivariate']);
    const byFeature = Object.fromEntries(driftSettings.columns.map((c) => [c.feature, c]));
    expect(byFeature.age).toEqual({ feature: 'age', kind: 'numeric', enabled: true, alpha: 0.05, psiThreshold: 0.1, effectThreshold: 0.1 });
    expect(byFeature.loanAmount.psiThreshold).toBe(0.2);
    expect(byFeature.employmentYears.enabled).toBe(false);
    expect(byFeature.delinquencyCount.kind).toBe('discrete');
    expect(byFeature.multivariate).toMatchObject({ kind: 'numeric', enabled: true, effectThreshold: 0.1 });
  });

  it('metricsHistory points carry the stored adjusted p-value and deciding threshold of their report', async () => {
    const ingest = await ok<{ ingestBatch: { drift: { id: string; features: Array<Record<string, unknown>> } } }>(
      ingestMutation('drift { id features { feature method adjustedPValue threshold } }'),
      { input: { batchId: 'dq-drift-3', records: generatedRecords(400, 134, 'larger_loans', 0.8) } },
    );
    const loan = ingest.ingestBatch.drift.features.find((f) => f.feature === 'loanAmount')!;
    const { metricsHistory } = await ok<{ metricsHistory: Array<Record<string, unknown>> }>(
      `{ metricsHistory(feature: "loanAmount") { reportId reportKind method adjustedPValue threshold } }`,
    );
    expect(metricsHistory.find((p) => p.reportId === ingest.ingestBatch.drift.id)).toEqual({
      reportId: ingest.ingestBatch.drift.id,
      reportKind: 'BATCH',
      method: loan.method,
      adjustedPValue: loan.adjustedPValue,
      threshold: loan.threshold,
    });
    expect(loan.threshold).toBe(0.05);
  });

  it('driftReports filters by the DriftReportKind enum and refuses an unknown kind before running', async () => {
    // Its own batch, so the window below has rows and the BATCH list has a known member in any test order.
    const own = await ok<{ ingestBatch: { drift: { id: string } } }>(ingestMutation('drift { id }'), {
      input: { batchId: 'dq-kind', records: generatedRecords(300, 135) },
    });
    const window = await ok<{ runDriftCheck: { reports: Array<{ id: string }> } }>(
      `mutation { runDriftCheck(input: { window: "HOURLY", windowEnd: "${new Date(Math.ceil(Date.now() / HOUR) * HOUR).toISOString()}" }) { reports { id } } }`,
    );
    expect(window.runDriftCheck.reports).toHaveLength(1);
    const reports = async (kind: string) =>
      (
        await ok<{ driftReports: { edges: Array<{ node: { id: string; kind: string } }> } }>(
          `query($kind: DriftReportKind) { driftReports(first: 100, kind: $kind) { edges { node { id kind } } } }`,
          { kind },
        )
      ).driftReports.edges.map((e) => e.node);
    expect(await reports('WINDOW')).toEqual([{ id: window.runDriftCheck.reports[0].id, kind: 'WINDOW' }]);
    const batches = await reports('BATCH');
    const batchReportsInTable = (await fixture.sql.query(`SELECT count(*)::int AS n FROM drift_reports WHERE kind = 'BATCH'`)).rows[0].n;
    expect(batches.length).toBe(batchReportsInTable);
    expect(batches.map((r) => r.id)).toContain(own.ingestBatch.drift.id);
    expect(batches.every((r) => r.kind === 'BATCH')).toBe(true);
    // An enum now: the schema says which values exist, and GraphQL refuses others before a resolver runs.
    const literal = await errorOf(`{ driftReports(kind: DAILY) { totalCount } }`);
    expect(literal.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(literal.message).toMatch(/Value "DAILY" does not exist in "DriftReportKind" enum/);
    const variable = await errorOf(`query($kind: DriftReportKind) { driftReports(kind: $kind) { totalCount } }`, { kind: 'DAILY' });
    expect(variable.code).toBe('BAD_USER_INPUT');
    expect(variable.message).toMatch(
      /^Variable "\$kind" got invalid value "DAILY"; Value "DAILY" does not exist in "DriftReportKind" enum/,
    );
    const named = await fixture.service.gql(`query($kind: DriftReportKind) { driftReports(kind: $kind) { totalCount } }`, {
      kind: 'DAILY',
    });
    expect(named.errors![0].extensions!.problems).toEqual([
      { index: null, field: 'kind', rule: 'Value "DAILY" does not exist in "DriftReportKind" enum.' },
    ]);
    const kinds = await ok<{ __type: { enumValues: Array<{ name: string }> } }>(
      `{ __type(name: "DriftReportKind") { enumValues { name } } }`,
    );
    expect(kinds.__type.enumValues.map((v) => v.name)).toEqual(['BATCH', 'WINDOW']);
  });

  it('realized ROC AUC comes with its Hanley–McNeil standard error and 95% interval', async () => {
    const rows = generateRows(loadProfile(), 1_500, { seed: 135, idPrefix: 'dq-perf' });
    const ingest = await ok<{ ingestBatch: { predictions: Array<{ probability: number }> } }>(
      ingestMutation('predictions { probability }'),
      {
        input: { batchId: 'dq-perf', records: rows.map(({ actualDefault: _label, ...record }) => record) },
      },
    );
    const labelled = rows.slice(0, 1_000);
    await ok(`mutation($input: SubmitOutcomesInput!) { submitOutcomes(input: $input) { received } }`, {
      input: {
        outcomes: labelled.map((r) => ({
          customerId: r.customerId,
          batchId: 'dq-perf',
          actualDefault: r.actualDefault,
          observedAt: new Date().toISOString(),
        })),
      },
    });
    const labels = labelled.map((r) => (r.actualDefault ? 1 : 0));
    const auc = rocAuc(
      labels,
      ingest.ingestBatch.predictions.slice(0, 1_000).map((p) => p.probability),
    );
    const positives = labels.reduce((n: number, y) => n + y, 0);
    const se = rocAucStandardError(auc, positives, labels.length - positives);

    const { batch } = await ok<{ batch: { performance: { realized: Record<string, number> } } }>(
      `{ batch(batchId: "dq-perf") { performance { realized { rocAuc rocAucStandardError rocAucLower rocAucUpper } } } }`,
    );
    expect(batch.performance.realized.rocAuc).toBeCloseTo(auc, 10);
    expect(batch.performance.realized.rocAucStandardError).toBeCloseTo(se, 10);
    expect(batch.performance.realized.rocAucLower).toBeCloseTo(auc - 1.959964 * se, 8);
    expect(batch.performance.realized.rocAucUpper).toBeCloseTo(auc + 1.959964 * se, 8);
    expect(se).toBeGreaterThan(0.005);

    const history = await ok<{ performanceHistory: Array<{ labelledCount: number; realized: Record<string, number> | null }> }>(
      `query($from: DateTime!, $to: DateTime!) { performanceHistory(from: $from, to: $to, window: DAY) {
        labelledCount realized { rocAuc rocAucStandardError rocAucLower rocAucUpper } } }`,
      { from: new Date(Date.now() - 2 * 86_400_000).toISOString(), to: new Date(Date.now() + HOUR).toISOString() },
    );
    const point = history.performanceHistory.find((p) => p.labelledCount > 0)!;
    expect(point.realized!.rocAucLower).toBeLessThan(point.realized!.rocAuc);
    expect(point.realized!.rocAucUpper).toBeGreaterThan(point.realized!.rocAuc);
    expect(point.realized!.rocAucUpper - point.realized!.rocAucLower).toBeCloseTo(2 * 1.959964 * point.realized!.rocAucStandardError, 8);
  });

  it('me.allowedOperations lists exactly what the role matrix grants the key', async () => {
    const viewer = await fixture.service.issueKey('viewer');
    const operator = await fixture.service.issueKey('operator');
    const ops = async (key: IssuedKey) =>
      (await ok<{ me: { allowedOperations: string[] } }>(`{ me { allowedOperations } }`, undefined, key)).me.allowedOperations;
    const granted = (role: string) => Object.keys(ROLE_MATRIX).filter((op) => (ROLE_MATRIX[op] as readonly string[]).includes(role));
    const viewerOps = await ops(viewer);
    expect(viewerOps).toEqual(granted('viewer'));
    expect(viewerOps).toEqual(
      expect.arrayContaining(['Query.alerts', 'Query.alertCountHistory', 'Subscription.alertChanged', 'GET /reports/:id']),
    );
    expect(viewerOps).not.toContain('Mutation.updateAlertStatus');
    const operatorOps = await ops(operator);
    expect(operatorOps).toEqual(granted('operator'));
    expect(operatorOps).toContain('Mutation.updateAlertStatus');
    expect(operatorOps).not.toContain('Mutation.createApiKey');
  });
});
