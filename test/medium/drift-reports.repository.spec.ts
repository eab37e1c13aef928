import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../../src/config/app-config';
import { validateEnvironment } from '../../src/config/env.validation';
import { DriftQueryService } from '../../src/drift/drift-query.service';
import {
  checkedToDriftReport,
  driftReportCreated,
  DriftReportSource,
  newDriftReport,
  toDriftReport,
} from '../../src/drift/drift-report.mapper';
import { DriftReportsRepository } from '../../src/drift/drift-reports.repository';
import { DriftCheckResult, FeatureDriftResult } from '../../src/drift-engine/result-types';
import { BatchesRepository } from '../../src/prediction-logs/batches.repository';
import { sqlClient } from '../support/database';
import { useMigratedDatabase } from '../support/medium-database';

/**
 * Medium tier: DriftReportsRepository (and the drift read service on top of it) on a real
 * PostgreSQL, in a testing module holding only what they need. Every test writes its own
 * baseline, reports, feature names, model versions and time range, so the tests run alone and in
 * any order.
 */
describe('DriftReportsRepository (real PostgreSQL)', () => {
  let sql: Client;
  // Declared before useMigratedDatabase so that it runs before the database is dropped.
  afterAll(async () => {
    await sql?.end();
  });
  const db = useMigratedDatabase([
    DriftReportsRepository,
    BatchesRepository,
    DriftQueryService,
    { provide: AppConfig, useValue: new AppConfig(validateEnvironment({})) },
  ]);
  let dataSource: DataSource;
  let repository: DriftReportsRepository;
  let queries: DriftQueryService;

  const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
  const inTransaction = <T>(work: (manager: EntityManager) => Promise<T>): Promise<T> => dataSource.transaction(work);

  /** A day of its own far in the future, so reports of other tests never fall in the range. */
  let dayCounter = 0;
  function ownDay(): { start: Date; at(minutes: number): Date; end: Date } {
    dayCounter += 1;
    const start = new Date(Date.UTC(2100 + Math.floor(Math.random() * 500), 0, 1) + dayCounter * 86_400_000);
    return { start, at: (minutes) => new Date(start.getTime() + minutes * 60_000), end: new Date(start.getTime() + 86_400_000) };
  }

  async function baseline(): Promise<{ id: string; version: number }> {
    const version = 1 + Math.floor(Math.random() * 1_000_000_000);
    const { rows } = await sql.query(
      `INSERT INTO baselines (version, name, source, row_count, profile) VALUES ($1, $2, 'test', 10, '{}'::jsonb) RETURNING id`,
      [version, unique('baseline')],
    );
    return { id: rows[0].id as string, version };
  }

  async function batch(modelVersion: string): Promise<{ uuid: string; key: string }> {
    const key = unique('batch');
    const { rows } = await sql.query(
      `INSERT INTO batches (batch_id, payload_hash, model_version, scored_with, size, data_quality)
       VALUES ($1, 'hash', $2, 'fallback', 10, '{}'::jsonb) RETURNING id`,
      [key, modelVersion],
    );
    return { uuid: rows[0].id as string, key };
  }

  function feature(name: string, changes: Partial<FeatureDriftResult> = {}): FeatureDriftResult {
    return {
      feature: name,
      kind: 'numeric',
      method: 'ks',
      statistic: 0.31,
      pValue: 0.0004,
      adjustedPValue: 0.0016,
      threshold: 0.05,
      psi: 0.27,
      psiExcess: 0.25,
      ks: { statistic: 0.31, pValue: 0.0004 },
      chiSquare: null,
      wasserstein: 1250.5,
      wassersteinNormalized: 0.42,
      jensenShannon: 0.12,
      effectSize: 0.38,
      effectThreshold: 0.1,
      sampleSize: 500,
      drifted: true,
      evaluated: true,
      reason: 'ks below the adjusted threshold',
      histogram: { edges: [0, 1, 2], reference: [0.5, 0.5], current: [0.3, 0.7] },
      ecdf: { x: [0, 1], reference: [0.4, 1], current: [0.2, 1] },
      status: 'DRIFT',
      ...changes,
    };
  }

  function result(features: FeatureDriftResult[], changes: Partial<DriftCheckResult> = {}): DriftCheckResult {
    return {
      status: 'DRIFT',
      globalScore: 0.4,
      driftedShare: 0.25,
      rowCount: 500,
      notEvaluated: features.filter((f) => !f.evaluated).map((f) => f.feature),
      features,
      warnings: [],
      ...changes,
    };
  }

  async function write(source: Omit<DriftReportSource, 'baselineId' | 'baselineVersion'>, checked: DriftCheckResult) {
    const { id, version } = await baseline();
    const { report, metrics } = newDriftReport({ ...source, baselineId: id, baselineVersion: version }, checked);
    const written = await inTransaction((m) => repository.insert(m, report, metrics));
    return { written, baselineVersion: version };
  }

  /** A BATCH report without a batch row, created at `createdAt` (metrics too). */
  async function reportAt(createdAt: Date, featureName = unique('feature')): Promise<string> {
    const { written } = await write({ kind: 'BATCH', batchUuid: null, modelVersion: unique('model') }, result([feature(featureName)]));
    await sql.query(`UPDATE drift_reports SET created_at = $2 WHERE id = $1`, [written!.id, createdAt]);
    await sql.query(`UPDATE feature_drift_metrics SET created_at = $2 WHERE drift_report_id = $1`, [written!.id, createdAt]);
    return written!.id;
  }

  beforeAll(async () => {
    dataSource = db.dataSource;
    sql = await sqlClient(db.url);
    repository = db.get(DriftReportsRepository);
    queries = db.get(DriftQueryService);
  });

  describe('writing a report with its metrics', () => {
    it('every feature field round-trips through the one mapping: stored report = the report as checked', async () => {
      const modelVersion = unique('model');
      const { uuid, key } = await batch(modelVersion);
      const checked = result([
        feature('annualIncome'),
        feature('delinquencyCount', {
          kind: 'discrete',
          method: 'chi_square',
          statistic: 14.2,
          pValue: 0.003,
          adjustedPValue: 0.012,
          psi: 0.08,
          ks: null,
          chiSquare: { statistic: 14.2, pValue: 0.003, dof: 4 },
          wasserstein: null,
          wassersteinNormalized: null,
          drifted: false,
          reason: undefined,
          ecdf: undefined,
        }),
        // Not evaluated: non-finite statistics are stored and served as null, never as numbers.
        feature('age', {
          statistic: Number.NaN,
          pValue: Number.NaN,
          adjustedPValue: null,
          psi: Number.POSITIVE_INFINITY,
          ks: null,
          wasserstein: Number.NaN,
          wassersteinNormalized: null,
          jensenShannon: null,
          effectSize: Number.NaN,
          drifted: false,
          evaluated: false,
          reason: 'too few rows',
        }),
      ]);
      const { written, baselineVersion } = await write({ kind: 'BATCH', batchUuid: uuid, modelVersion }, checked);
      expect(written).toEqual({ id: expect.any(String), createdAt: expect.any(Date) });
      const { id, createdAt } = written!;

      const served = await queries.report(id);
      expect(served).toEqual(checkedToDriftReport({ id, createdAt, baselineVersion, result: checked }, 'BATCH', modelVersion, key));
      expect(served.features.map((f) => f.feature)).toEqual(['annualIncome', 'delinquencyCount', 'age']);
      expect(served.features[0]).toEqual({
        feature: 'annualIncome',
        kind: 'numeric',
        method: 'ks',
        statistic: 0.31,
        pValue: 0.0004,
        adjustedPValue: 0.0016,
        threshold: 0.05,
        psi: 0.27,
        ks: { statistic: 0.31, pValue: 0.0004 },
        chiSquare: null,
        wasserstein: 1250.5,
        wassersteinNormalized: 0.42,
        jensenShannon: 0.12,
        effectSize: 0.38,
        effectThreshold: 0.1,
        drifted: true,
        evaluated: true,
        reason: 'ks below the adjusted threshold',
        // A batch report: statistics from the rows, not from bins.
        binning: null,
        status: 'DRIFT',
      });
      expect(served.features[1]).toMatchObject({ ks: null, chiSquare: { statistic: 14.2, pValue: 0.003 }, reason: null, drifted: false });
      expect(served.features[2]).toMatchObject({
        statistic: null,
        pValue: null,
        psi: null,
        wasserstein: null,
        effectSize: null,
        evaluated: false,
        reason: 'too few rows',
      });
      expect(served).toMatchObject({
        kind: 'BATCH',
        status: 'DRIFT',
        globalScore: 0.4,
        driftedShare: 0.25,
        rowCount: 500,
        baselineVersion,
        batchId: key,
      });

      // The columns themselves (a symmetric mix-up of two columns would still round-trip above).
      const { rows } = await sql.query(`SELECT * FROM feature_drift_metrics WHERE drift_report_id = $1 ORDER BY id`, [id]);
      expect(rows[0]).toMatchObject({
        feature: 'annualIncome',
        feature_kind: 'numeric',
        method: 'ks',
        statistic: 0.31,
        p_value: 0.0004,
        adjusted_p_value: 0.0016,
        threshold: 0.05,
        psi: 0.27,
        ks_statistic: 0.31,
        ks_p_value: 0.0004,
        chi_square_statistic: null,
        chi_square_p_value: null,
        wasserstein: 1250.5,
        wasserstein_normalized: 0.42,
        jensen_shannon: 0.12,
        effect_size: 0.38,
        effect_threshold: 0.1,
        drifted: true,
        evaluated: true,
      });
      expect(rows[1]).toMatchObject({
        feature_kind: 'discrete',
        method: 'chi_square',
        chi_square_statistic: 14.2,
        chi_square_p_value: 0.003,
        ks_statistic: null,
      });
      expect(rows[2]).toMatchObject({ statistic: null, p_value: null, psi: null, wasserstein: null, evaluated: false });

      // The event carries the same values as the API.
      const event = driftReportCreated({ id, createdAt, result: checked }, 'BATCH', uuid, modelVersion, null);
      expect(event.features).toEqual(
        served.features.map((f) => ({
          feature: f.feature,
          kind: f.kind,
          method: f.method,
          statistic: f.statistic,
          pValue: f.pValue,
          adjustedPValue: f.adjustedPValue,
          threshold: f.threshold,
          psi: f.psi,
          wassersteinNormalized: f.wassersteinNormalized,
          jensenShannon: f.jensenShannon,
          drifted: f.drifted,
          evaluated: f.evaluated,
        })),
      );
    });

    it('reads back the stored row, its details and metrics; an unknown id is null', async () => {
      const checked = result([feature(unique('feature'))], { status: 'STABLE', globalScore: Number.NaN });
      const modelVersion = unique('model');
      const { written, baselineVersion } = await write({ kind: 'BATCH', batchUuid: null, modelVersion }, checked);
      const record = await repository.findById(written!.id);
      expect(record).toMatchObject({
        id: written!.id,
        kind: 'BATCH',
        batchId: null,
        modelVersion,
        status: 'STABLE',
        globalScore: null,
        driftedShare: 0.25,
        rowCount: 500,
        windowKind: null,
        windowStart: null,
        windowEnd: null,
        createdAt: written!.createdAt,
      });
      expect(record!.details).toMatchObject({
        baselineVersion,
        notEvaluated: [],
        features: [{ sampleSize: 500, chiSquareDof: null, effectThreshold: 0.1 }],
      });
      const metrics = await repository.metricsOf([written!.id]);
      expect(toDriftReport(record!, metrics, null)).toEqual(await queries.report(written!.id));
      expect(await repository.findById(randomUUID())).toBeNull();
      expect(await repository.metricsOf([])).toEqual([]);
    });

    it('writes nothing when the transaction rolls back', async () => {
      const { id, version } = await baseline();
      const { report, metrics } = newDriftReport(
        { kind: 'BATCH', batchUuid: null, modelVersion: unique('model'), baselineId: id, baselineVersion: version },
        result([feature('age')]),
      );
      let reportId = '';
      await expect(
        inTransaction(async (m) => {
          reportId = (await repository.insert(m, report, metrics))!.id;
          throw new Error('rollback');
        }),
      ).rejects.toThrow('rollback');
      expect(await repository.findById(reportId)).toBeNull();
      expect(await repository.metricsOf([reportId])).toEqual([]);
    });
  });

  describe('the driftReports connection', () => {
    it('pages newest first by (created_at, id) with a stable total, and refuses a forged cursor', async () => {
      const day = ownDay();
      const ids = [
        await reportAt(day.at(10)),
        await reportAt(day.at(20)),
        await reportAt(day.at(30)),
        await reportAt(day.at(30)),
        await reportAt(day.at(40)),
      ];
      // Newest first; the two reports of minute 30 in descending id order.
      const tied = [ids[2], ids[3]].sort().reverse();
      const expected = [ids[4], ...tied, ids[1], ids[0]];

      const seen: string[] = [];
      let after: string | null = null;
      const hasNext: boolean[] = [];
      do {
        const page: Awaited<ReturnType<DriftQueryService['reports']>> = await queries.reports(2, after, day.start, day.end);
        expect(page.totalCount).toBe(5);
        seen.push(...page.edges.map((e) => e.node.id));
        hasNext.push(page.pageInfo.hasNextPage);
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      } while (after);
      expect(seen).toEqual(expected);
      expect(hasNext).toEqual([true, true, false]);

      const firstPage = await repository.page({ first: 2, after: null, from: day.start, to: day.end });
      expect(firstPage).toMatchObject({ limit: 3, totalCount: 5 });
      expect(firstPage.rows.map((r) => r.id)).toEqual(expected.slice(0, 3));

      await expect(queries.reports(2, 'not-a-cursor', day.start, day.end)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
      await expect(queries.reports(0, null)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    });

    it('filters by created_at: from inclusive, to exclusive, either alone', async () => {
      const day = ownDay();
      const [early, middle, late] = [await reportAt(day.at(60)), await reportAt(day.at(120)), await reportAt(day.at(180))];
      const ids = async (from: Date | null, to: Date | null) => (await queries.reports(50, null, from, to)).edges.map((e) => e.node.id);

      expect(await ids(day.at(60), day.at(180))).toEqual([middle, early]);
      expect(await ids(day.at(61), day.end)).toEqual([late, middle]);
      expect(await ids(day.start, day.at(120))).toEqual([early]);
      // Only one bound: the other side is open (other tests' reports may appear, on other days).
      expect(await ids(day.at(180), null)).toContain(late);
      expect(await ids(day.at(180), null)).not.toContain(middle);
      expect(await ids(null, day.at(120))).toContain(early);
      expect(await ids(null, day.at(120))).not.toContain(middle);
      expect((await queries.reports(50, null, day.at(120), day.at(121))).totalCount).toBe(1);
    });
  });

  describe('window reports', () => {
    it('the "already checked" lookup matches only the same model, window kind and window end; a second write is a no-op', async () => {
      const modelVersion = unique('model');
      const day = ownDay();
      const window = {
        kind: 'WINDOW' as const,
        batchUuid: null,
        modelVersion,
        windowKind: 'hourly',
        windowStart: day.at(0),
        windowEnd: day.at(60),
      };
      const exists = (model: string, kind: string, end: Date) => inTransaction((m) => repository.windowReportExists(m, model, kind, end));

      expect(await exists(modelVersion, 'hourly', day.at(60))).toBe(false);
      const { written } = await write(window, result([feature('age')]));
      expect(written).not.toBeNull();
      expect(await exists(modelVersion, 'hourly', day.at(60))).toBe(true);
      expect(await inTransaction((m) => queries.windowAlreadyChecked(m, modelVersion, 'hourly', day.at(60)))).toBe(true);
      expect(await exists(modelVersion, 'daily', day.at(60))).toBe(false);
      expect(await exists(modelVersion, 'hourly', day.at(120))).toBe(false);
      expect(await exists(unique('model'), 'hourly', day.at(60))).toBe(false);

      const again = await write(window, result([feature('age')]));
      expect(again.written).toBeNull();
      const { rows } = await sql.query(`SELECT count(*)::int AS n FROM feature_drift_metrics WHERE drift_report_id = $1`, [written!.id]);
      expect(rows[0].n).toBe(1);
      expect(await repository.findById(written!.id)).toMatchObject({
        kind: 'WINDOW',
        windowKind: 'hourly',
        windowStart: day.at(0),
        windowEnd: day.at(60),
      });
    });

    it('recent window reports: the latest N of one kind for one model, newest window first', async () => {
      const modelVersion = unique('model');
      const day = ownDay();
      const window = (hour: number, status: DriftCheckResult['status'], driftedShare: number) =>
        write(
          {
            kind: 'WINDOW',
            batchUuid: null,
            modelVersion,
            windowKind: 'hourly',
            windowStart: day.at(hour * 60 - 60),
            windowEnd: day.at(hour * 60),
          },
          result([feature('age')], { status, driftedShare }),
        );
      const first = (await window(1, 'DRIFT', 0.5)).written!;
      const second = (await window(2, 'STABLE', 0)).written!;
      const third = (await window(3, 'DRIFT', 0.75)).written!;
      await write(
        { kind: 'WINDOW', batchUuid: null, modelVersion, windowKind: 'daily', windowStart: day.start, windowEnd: day.end },
        result([feature('age')]),
      );
      await write({ kind: 'BATCH', batchUuid: null, modelVersion }, result([feature('age')]));

      const recent = await inTransaction((m) => repository.recentWindowReports(m, modelVersion, 'hourly', 2));
      expect(recent).toEqual([
        { id: third.id, status: 'DRIFT', windowEnd: day.at(180), driftedShare: 0.75 },
        { id: second.id, status: 'STABLE', windowEnd: day.at(120), driftedShare: 0 },
      ]);
      const all = await inTransaction((m) => queries.recentWindowReports(m, modelVersion, 'hourly', 10));
      expect(all.map((r) => r.id)).toEqual([third.id, second.id, first.id]);
      expect(await inTransaction((m) => repository.recentWindowReports(m, unique('model'), 'hourly', 10))).toEqual([]);
    });
  });

  describe('metricsHistory', () => {
    it('one feature over time, oldest first, with the report kind; from inclusive, to exclusive; capped', async () => {
      const name = unique('feature');
      const day = ownDay();
      const a = await reportAt(day.at(10), name);
      const b = await reportAt(day.at(20), name);
      const c = await reportAt(day.at(30), name);
      await reportAt(day.at(15), unique('other-feature'));

      const history = await repository.metricsHistory(name, null, null, 100);
      expect(history.map((p) => p.reportId)).toEqual([a, b, c]);
      expect(history[0]).toEqual({
        reportId: a,
        reportKind: 'BATCH',
        createdAt: day.at(10),
        method: 'ks',
        statistic: 0.31,
        pValue: 0.0004,
        adjustedPValue: 0.0016,
        threshold: 0.05,
        psi: 0.27,
        ksStatistic: 0.31,
        chiSquareStatistic: null,
        wassersteinNormalized: 0.42,
        jensenShannon: 0.12,
        effectSize: 0.38,
        effectThreshold: 0.1,
        drifted: true,
        evaluated: true,
      });
      expect((await repository.metricsHistory(name, day.at(20), day.at(30), 100)).map((p) => p.reportId)).toEqual([b]);
      expect((await repository.metricsHistory(name, day.at(11), null, 100)).map((p) => p.reportId)).toEqual([b, c]);
      expect((await repository.metricsHistory(name, null, day.at(20), 100)).map((p) => p.reportId)).toEqual([a]);
      expect((await repository.metricsHistory(name, null, null, 2)).map((p) => p.reportId)).toEqual([a, b]);
      expect(await queries.metricsHistory(name, day.at(10), day.at(11))).toEqual([history[0]]);
      await expect(queries.metricsHistory(name, day.at(20), day.at(10))).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
      expect(await repository.metricsHistory(unique('missing'), null, null, 100)).toEqual([]);
    });
  });
});
