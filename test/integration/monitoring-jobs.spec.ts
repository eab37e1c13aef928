import { SchedulerRegistry } from '@nestjs/schedule';
import { join } from 'node:path';
import { Client } from 'pg';
import { countGrades } from '../../src/drift-engine/grade-distribution';
import { parseMasterScale } from '../../src/model/master-scale';
import { RetrainingReconciliationService } from '../../src/monitoring-jobs/retraining-reconciliation.service';
import { WindowDriftCheckService } from '../../src/monitoring-jobs/window-drift-check.service';
import { ingestMutation } from '../support/applications';
import { generatedCsvFolder, generatedRecords } from '../support/generated-data';
import { startTestService, TestService } from '../support/service';
import { useServices } from '../support/services';

jest.setTimeout(120_000);

const INGEST = ingestMutation('batchId drift { status rowCount }');
const RUN = `mutation($input: RunDriftCheckInput!) { runDriftCheck(input: $input) {
  window windowStart windowEnd acquired checkedModelVersions alreadyCheckedModelVersions
  reports { id kind status rowCount windowKind windowEnd features { feature drifted evaluated } scoreShift { total contributions { feature contribution } } } } }`;

const WINDOWS = JSON.stringify([
  { kind: 'HOURLY', cron: '*/15 * * * *', lengthMinutes: 60, alignMinutes: 15 },
  { kind: 'DAILY', cron: '0 0 * * *', lengthMinutes: 1440, enabled: false },
]);
const HOUR = 3_600_000;

interface Run {
  acquired: boolean;
  checkedModelVersions: string[];
  alreadyCheckedModelVersions: string[];
  reports: Array<{
    id: string;
    kind: string;
    status: string;
    rowCount: number;
    windowKind: string;
    windowEnd: string;
    features: Array<{ feature: string; drifted: boolean; evaluated: boolean }>;
    scoreShift: { total: number; contributions: Array<{ feature: string; contribution: number }> } | null;
  }>;
}

/** Ingests batches, then moves them (their rows follow) into [end − 1 h, end) so a window check sees them there. */
async function ingestInto(
  service: TestService,
  sql: Client,
  end: Date,
  batches: Array<{ batchId: string; records: Array<Record<string, unknown>> }>,
): Promise<string[]> {
  const statuses: string[] = [];
  for (const batch of batches) {
    const response = await service.gql<{ ingestBatch: { drift: { status: string } } }>(INGEST, { input: batch });
    expect(response.errors).toBeUndefined();
    statuses.push(response.data!.ingestBatch.drift.status);
  }
  await sql.query(`UPDATE batches SET received_at = $1::timestamptz WHERE batch_id = ANY($2)`, [
    new Date(end.getTime() - HOUR + 60_000),
    batches.map((b) => b.batchId),
  ]);
  return statuses;
}

async function runCheck(service: TestService, windowEnd: Date | null, window = 'HOURLY'): Promise<Run> {
  const response = await service.gql<{ runDriftCheck: Run }>(RUN, { input: { window, windowEnd: windowEnd?.toISOString() ?? null } });
  expect(response.errors).toBeUndefined();
  return response.data!.runDriftCheck;
}

describe('scheduled window re-checks across two instances (real PostgreSQL)', () => {
  let a: TestService;
  let b: TestService;
  let sql: Client;
  const data = generatedCsvFolder(4_000, 401);
  const base = new Date('2030-01-01T00:00:00Z');
  const w1 = new Date(base.getTime() + HOUR);
  const w2 = new Date(base.getTime() + 2 * HOUR);

  const group = useServices(2, {
    BASELINE_DATA_DIR: data.dir,
    BASELINE_SEED_PATH: join(data.dir, data.file),
    MONITORING_DRIFT_WINDOWS: WINDOWS,
    RETRAIN_DRIFT_WINDOWS: '2',
  });
  beforeAll(() => {
    [a, b] = group.services;
    sql = group.sql;
  });

  it('200 batches of 10 drifted rows: each alone is INSUFFICIENT_DATA, the window pools them into a DRIFT verdict', async () => {
    const batches = Array.from({ length: 200 }, (_, i) => ({
      batchId: `small-${i}`,
      records: generatedRecords(10, 1_000 + i, 'income_drop', 0.4),
    }));
    const statuses = await ingestInto(a, sql, w1, batches);
    expect(new Set(statuses)).toEqual(new Set(['INSUFFICIENT_DATA']));

    const run = await runCheck(b, w1);
    expect(run.acquired).toBe(true);
    expect(run.reports).toHaveLength(1);
    expect(run.reports[0]).toMatchObject({
      kind: 'WINDOW',
      status: 'DRIFT',
      rowCount: 2_000,
      windowKind: 'HOURLY',
      windowEnd: w1.toISOString(),
    });
    expect(run.reports[0].features.find((f) => f.feature === 'annualIncome')!.drifted).toBe(true);
    // The window's joint-distribution column is judged from the merged profiles, and its score
    // shift is decomposed from their sums (income's coefficient is small: no claim on the order).
    expect(run.reports[0].features.find((f) => f.feature === 'multivariate')!.evaluated).toBe(true);
    const shift = run.reports[0].scoreShift!;
    expect(shift.contributions).toHaveLength(8);
    expect(Math.abs(shift.contributions.reduce((s, c) => s + c.contribution, 0) - shift.total)).toBeLessThanOrEqual(1e-9);
  });

  it('two instances running the same tick produce one window report; running it again changes nothing', async () => {
    await ingestInto(a, sql, w2, [{ batchId: 'w2-drifted', records: generatedRecords(1_000, 2_002, 'income_drop', 0.4) }]);
    const jobsA = a.app.get(WindowDriftCheckService);
    const jobsB = b.app.get(WindowDriftCheckService);
    // The scheduler's tick on each instance, a few hundred milliseconds apart within one 15-minute step.
    const runs = await Promise.all([
      jobsA.run('HOURLY', null, new Date(w2.getTime() + 300)),
      jobsB.run('HOURLY', null, new Date(w2.getTime() + 900)),
    ]);
    expect(runs.flatMap((r) => r.reports)).toHaveLength(1);
    const stored = await sql.query(
      `SELECT (SELECT count(*)::int FROM drift_reports WHERE kind = 'WINDOW' AND window_end = $1) AS drift,
              (SELECT count(*)::int FROM performance_metrics WHERE scope = 'WINDOW' AND window_end = $1) AS performance`,
      [w2],
    );
    expect(stored.rows[0]).toEqual({ drift: 1, performance: 1 });

    const eventsBefore = await sql.query(`SELECT count(*)::int AS n FROM alert_events`);
    const again = await runCheck(a, w2);
    expect(again.reports).toHaveLength(0);
    expect(again.alreadyCheckedModelVersions).toHaveLength(1);
    const eventsAfter = await sql.query(`SELECT count(*)::int AS n FROM alert_events`);
    expect(eventsAfter.rows[0].n).toBe(eventsBefore.rows[0].n);
  });

  it('sustained drift over N windows raises one DRIFT retraining signal, deduplicated afterwards', async () => {
    // Its own run of RETRAIN_DRIFT_WINDOWS (2) drifted hours, a month after the other tests' windows.
    const month = new Date('2030-03-01T00:00:00Z');
    const [v1, v2, v3] = [1, 2, 3].map((h) => new Date(month.getTime() + h * HOUR));
    await ingestInto(a, sql, v1, [{ batchId: 'sustained-1', records: generatedRecords(1_000, 2_101, 'income_drop', 0.4) }]);
    expect((await runCheck(a, v1)).reports[0].status).toBe('DRIFT');
    await ingestInto(b, sql, v2, [{ batchId: 'sustained-2', records: generatedRecords(1_000, 2_102, 'income_drop', 0.4) }]);
    expect((await runCheck(b, v2)).reports[0].status).toBe('DRIFT');

    const events = async () =>
      (
        await a.gql<{
          retrainingEvents: {
            edges: Array<{ node: { cause: string; status: string; modelVersion: string; details: { windowKind: string } } }>;
          };
        }>(`{ retrainingEvents { edges { node { cause status modelVersion details } } } }`)
      ).data!.retrainingEvents.edges.map((e) => e.node);
    expect(await events()).toEqual([
      expect.objectContaining({ cause: 'DRIFT', status: 'OPEN', details: expect.objectContaining({ windowKind: 'HOURLY' }) }),
    ]);

    await ingestInto(b, sql, v3, [{ batchId: 'sustained-3', records: generatedRecords(1_000, 2_003, 'income_drop', 0.4) }]);
    expect((await runCheck(a, v3)).reports[0].status).toBe('DRIFT');
    expect(await a.app.get(RetrainingReconciliationService).reconcileAll()).toEqual({ acquired: true, raised: 0 });
    expect((await events()).filter((e) => e.cause === 'DRIFT')).toHaveLength(1);

    const model = await a.gql<{
      modelVersions: { edges: Array<{ node: { status: string; retrainRequired: boolean; retrainReason: string } }> };
    }>(`{ modelVersions { edges { node { status retrainRequired retrainReason } } } }`);
    expect(model.data!.modelVersions.edges.map((e) => e.node)).toContainEqual({
      status: 'ACTIVE',
      retrainRequired: true,
      retrainReason: 'DRIFT: significant drift in the last 2 HOURLY windows',
    });
  });

  it('an unreadable stored profile does not sink the window: that batch is binned from its rows instead', async () => {
    const end = new Date('2030-05-01T03:00:00Z');
    const batches = ['corrupt-a', 'corrupt-b', 'corrupt-c'].map((batchId, i) => ({ batchId, records: generatedRecords(300, 2_200 + i) }));
    await ingestInto(a, sql, end, batches);
    await sql.query(
      `UPDATE batch_profiles SET sketch = '\\x00ff00'::bytea WHERE batch_id = (SELECT id FROM batches WHERE batch_id = 'corrupt-b')`,
    );
    const run = await runCheck(b, end);
    expect(run.reports).toHaveLength(1);
    // Every row counts, the corrupted batch's from prediction_logs.
    expect(run.reports[0]).toMatchObject({ kind: 'WINDOW', rowCount: 900 });
    expect(run.reports[0].features.every((f) => f.evaluated)).toBe(true);
  });

  it('the window report compares the window’s grade mix with development, counted in PostgreSQL over every row of the window', async () => {
    const end = new Date('2030-07-01T03:00:00Z');
    const batches = ['graded-a', 'graded-b', 'graded-c'].map((batchId, i) => ({ batchId, records: generatedRecords(200, 2_300 + i) }));
    await ingestInto(a, sql, end, batches);
    const run = await runCheck(b, end);
    expect(run.reports).toHaveLength(1);
    const served = await a.gql<{
      driftReport: {
        rowCount: number;
        gradeDistribution: {
          rowCount: number;
          status: string;
          chiSquare: { pValueMethod: string; degreesOfFreedom: number } | null;
          grades: Array<{ grade: number; count: number; developmentCount: number }>;
        } | null;
      };
    }>(
      `query($id: ID!) { driftReport(id: $id) { rowCount gradeDistribution { rowCount status chiSquare { pValueMethod degreesOfFreedom }
         grades { grade count developmentCount } } } }`,
      { id: run.reports[0].id },
    );
    expect(served.errors).toBeUndefined();
    const report = served.data!.driftReport;
    const [model] = (
      await sql.query(
        `SELECT v.artifact->'masterScale' AS scale FROM model_versions v JOIN batches b ON b.model_version = v.version WHERE b.batch_id = 'graded-a'`,
      )
    ).rows;
    const scale = parseMasterScale(model.scale);
    const stored = await sql.query(
      `SELECT p.probability FROM prediction_logs p JOIN batches b ON b.id = p.batch_id WHERE b.batch_id = ANY($1)`,
      [batches.map((batch) => batch.batchId)],
    );
    const grades = report.gradeDistribution!;
    expect(grades.grades.map((g) => g.count)).toEqual(
      countGrades(
        scale,
        stored.rows.map((r: { probability: number }) => r.probability),
      ),
    );
    expect(grades.grades.map((g) => g.developmentCount)).toEqual(scale.grades.map((g) => g.developmentCount));
    expect(grades.rowCount).toBe(600);
    expect(report.rowCount).toBe(600);
    expect(['STABLE', 'DRIFT']).toContain(grades.status);
    expect(grades.chiSquare!.degreesOfFreedom).toBe(scale.grades.length - 1);
  });

  it('an empty window writes nothing; an unknown window kind is BAD_USER_INPUT; the default end is the aligned tick', async () => {
    const empty = await runCheck(a, new Date('2031-01-01T00:00:00Z'));
    expect(empty).toMatchObject({ acquired: true, checkedModelVersions: [], reports: [] });
    const bad = await a.gql(RUN, { input: { window: 'WEEKLY' } });
    expect(bad.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    const now = await a.gql<{ runDriftCheck: { windowEnd: string } }>(RUN, { input: { window: 'HOURLY' } });
    expect(new Date(now.data!.runDriftCheck.windowEnd).getTime() % (15 * 60_000)).toBe(0);
  });
});

describe('auto-resolve and scheduling configuration (real PostgreSQL)', () => {
  let service: TestService;
  let sql: Client;
  const data = generatedCsvFolder(4_000, 402);
  const env = () => ({ BASELINE_DATA_DIR: data.dir, BASELINE_SEED_PATH: join(data.dir, data.file), MONITORING_DRIFT_WINDOWS: WINDOWS });

  const group = useServices(1, () => ({ ...env(), ALERT_AUTO_RESOLVE_CHECKS: '2' }));
  beforeAll(() => {
    [service] = group.services;
    sql = group.sql;
  });

  it('an alert whose condition is clear for K consecutive window checks resolves itself', async () => {
    const base = new Date('2030-06-01T00:00:00Z');
    const ends = [1, 2, 3].map((h) => new Date(base.getTime() + h * HOUR));
    await ingestInto(service, sql, ends[0], [{ batchId: 'drifted', records: generatedRecords(1_000, 3_001, 'income_drop', 0.4) }]);
    await ingestInto(service, sql, ends[1], [{ batchId: 'stable-1', records: generatedRecords(1_000, 3_002) }]);
    await ingestInto(service, sql, ends[2], [{ batchId: 'stable-2', records: generatedRecords(1_000, 3_003) }]);
    const datasetAlert = async () =>
      (await sql.query(`SELECT id, status, clear_checks FROM alerts WHERE kind = 'DATASET_DRIFT'`)).rows as Array<{
        id: string;
        status: string;
        clear_checks: number;
      }>;

    expect((await runCheck(service, ends[0])).reports[0].status).toBe('DRIFT');
    expect(await datasetAlert()).toEqual([expect.objectContaining({ status: 'OPEN', clear_checks: 0 })]);
    expect((await runCheck(service, ends[1])).reports[0].status).toBe('STABLE');
    expect(await datasetAlert()).toEqual([expect.objectContaining({ status: 'OPEN', clear_checks: 1 })]);
    expect((await runCheck(service, ends[2])).reports[0].status).toBe('STABLE');
    const [resolved] = await datasetAlert();
    expect(resolved.status).toBe('RESOLVED');
    const events = await sql.query(`SELECT type, actor FROM alert_events WHERE alert_id = $1 ORDER BY id`, [resolved.id]);
    expect(events.rows[events.rows.length - 1]).toEqual({ type: 'AUTO_RESOLVED', actor: 'system' });
  });

  it('jobs are registered from configuration: enabled windows only, and none when disabled', async () => {
    const enabled = await startTestService(group.databaseUrl, { ...env(), MONITORING_JOBS_ENABLED: 'true' });
    try {
      expect([...enabled.app.get(SchedulerRegistry).getCronJobs().keys()].sort()).toEqual([
        'drift-window:HOURLY',
        'prediction-log-partitions',
        'retraining-reconciliation',
      ]);
    } finally {
      await enabled.close();
    }
    expect([...service.app.get(SchedulerRegistry).getCronJobs().keys()]).toEqual([]);
  });
});
