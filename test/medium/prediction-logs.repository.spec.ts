import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { generateColumns, loadProfile } from '../../datasets/generator';
import { defaultColumnKinds } from '../../src/drift-engine/columns';
import { MULTIVARIATE_COLUMN } from '../../src/drift-engine/multivariate';
import { buildBaselineProfile } from '../../src/drift-engine/profile';
import { sketchColumns, sketchColumnSpecs, sketchFromBinAggregates } from '../../src/drift-engine/sketch';
import { FEATURE_NAMES, FeatureColumns } from '../../src/model/features';
import { BatchProfilesRepository } from '../../src/prediction-logs/batch-profiles.repository';
import { BatchesRepository, NewBatch } from '../../src/prediction-logs/batches.repository';
import { PredictionLogWriter } from '../../src/prediction-logs/prediction-log.writer';
import { loggedColumnOf, pushDownColumnsFor } from '../../src/prediction-logs/prediction-log-columns';
import { PredictionLogsRepository } from '../../src/prediction-logs/prediction-logs.repository';
import { binaryMetrics, rocAuc } from '../../src/stats/classification-metrics';
import { useMigratedDatabase } from '../support/medium-database';

/**
 * Medium tier: the batches and prediction_logs repositories on a real PostgreSQL. Each test makes
 * its own batch keys, model versions and (where it reads by time) its own time range.
 */
describe('BatchesRepository and PredictionLogsRepository (real PostgreSQL)', () => {
  const db = useMigratedDatabase([PredictionLogWriter, BatchesRepository, BatchProfilesRepository, PredictionLogsRepository]);
  let dataSource: DataSource;
  let batches: BatchesRepository;
  let logs: PredictionLogsRepository;
  let profiles: BatchProfilesRepository;

  const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
  /** A distinct UTC midnight per call (far in the past, ten days apart), so time-range reads see only that test's rows. */
  let dayCounter = 0;
  const uniqueDay = () => new Date(Date.UTC(2001, 0, 1) + dayCounter++ * 10 * 86_400_000);

  function newBatch(overrides: Partial<NewBatch> = {}): NewBatch {
    return {
      batchId: unique('batch'),
      payloadHash: 'hash',
      modelVersion: unique('model'),
      scoredWith: 'artifact',
      size: 3,
      metadata: { source: 'medium-test' },
      dataQuality: { rowCount: 3, duplicateCustomerIds: 0, duplicateRows: 0, missingValues: 2, invalidValues: 0 },
      warnings: ['a warning'],
      labelledCount: 1,
      ...overrides,
    };
  }

  /** Feature columns where row i has age 30 + i and feature number f (in FEATURE_NAMES order) 10 f + i. */
  function columnsFor(n: number): FeatureColumns {
    const columns = {} as FeatureColumns;
    FEATURE_NAMES.forEach((name, f) => {
      columns[name] = Float64Array.from({ length: n }, (_, i) => (name === 'age' ? 30 + i : 10 * f + i));
    });
    return columns;
  }

  interface Seeded {
    uuid: string;
    batchId: string;
    modelVersion: string;
    probabilities: Float64Array;
    customers: string[];
    grades: Array<number | null>;
  }

  /**
   * One batch with its prediction logs, written as ingestion does (one transaction). With
   * `createdAt`, row i is moved to createdAt + i minutes, so time-range reads are exact. Every
   * third row has no grade (null), the others grade 1 + i % 25.
   */
  async function seed(
    options: {
      n?: number;
      labels?: Array<boolean | null>;
      modelVersion?: string;
      createdAt?: Date;
      customers?: string[];
      columns?: FeatureColumns;
    } = {},
  ): Promise<Seeded> {
    const n = options.n ?? 3;
    const row = newBatch({ size: n, ...(options.modelVersion ? { modelVersion: options.modelVersion } : {}) });
    const customers = options.customers ?? Array.from({ length: n }, () => unique('cust'));
    const probabilities = Float64Array.from({ length: n }, (_, i) => (i + 1) / (n + 1));
    const grades = Array.from({ length: n }, (_, i) => (i % 3 === 2 ? null : 1 + (i % 25)));
    const uuid = await dataSource.transaction(async (manager) => {
      const inserted = await batches.insertIfAbsent(manager, row);
      await logs.write(manager, {
        batchUuid: inserted!.id,
        records: customers.map((customerId, i) => ({ customerId, actualDefault: options.labels?.[i] })),
        columns: options.columns ?? columnsFor(n),
        probabilities,
        riskLabels: customers.map((_, i) => (i % 2 ? 'HIGH' : 'LOW')),
        grades,
        modelVersion: row.modelVersion,
        scoredWith: row.scoredWith,
      });
      return inserted!.id;
    });
    if (options.createdAt) {
      await dataSource.query(
        `UPDATE prediction_logs SET created_at = $2::timestamptz + row_index * interval '1 minute' WHERE batch_id = $1`,
        [uuid, options.createdAt],
      );
    }
    return { uuid, batchId: row.batchId, modelVersion: row.modelVersion, probabilities, customers, grades };
  }

  const minutes = (start: Date, n: number) => new Date(start.getTime() + n * 60_000);

  beforeAll(() => {
    dataSource = db.dataSource;
    batches = db.get(BatchesRepository);
    logs = db.get(PredictionLogsRepository);
    profiles = db.get(BatchProfilesRepository);
  });

  describe('batches', () => {
    it('inserts a batch once: the same key again inserts nothing and returns null (ON CONFLICT)', async () => {
      const row = newBatch();
      const first = await dataSource.transaction((m) => batches.insertIfAbsent(m, row));
      expect(first).toEqual({ id: expect.any(String), receivedAt: expect.any(Date), labelledCount: 1 });

      const again = await dataSource.transaction((m) => batches.insertIfAbsent(m, { ...row, payloadHash: 'other', size: 9 }));
      expect(again).toBeNull();

      const stored = await batches.findByKey(row.batchId);
      expect(stored).toEqual({
        id: first!.id,
        batchId: row.batchId,
        payloadHash: 'hash',
        modelVersion: row.modelVersion,
        scoredWith: 'artifact',
        size: 3,
        metadata: { source: 'medium-test' },
        dataQuality: row.dataQuality,
        warnings: ['a warning'],
        labelledCount: 1,
        driftReportId: null,
        receivedAt: first!.receivedAt,
      });
      expect(await batches.findByKey(unique('missing'))).toBeNull();
    });

    it('stores metadata null as SQL NULL', async () => {
      const row = newBatch({ metadata: null });
      await dataSource.transaction((m) => batches.insertIfAbsent(m, row));
      const [stored] = await dataSource.query(`SELECT metadata IS NULL AS is_null FROM batches WHERE batch_id = $1`, [row.batchId]);
      expect(stored.is_null).toBe(true);
      expect((await batches.findByKey(row.batchId))!.metadata).toBeNull();
    });

    it('links a batch to its drift report and refreshes labelled counts', async () => {
      const a = await seed();
      const b = await seed();
      const [report] = await dataSource.query(
        `INSERT INTO drift_reports (kind, batch_id, model_version, status, row_count) VALUES ('BATCH', $1, $2, 'STABLE', 3) RETURNING id`,
        [a.uuid, a.modelVersion],
      );
      await dataSource.transaction(async (m) => {
        await batches.setDriftReport(m, a.uuid, report.id);
        await batches.setLabelledCounts(m, [
          { batchUuid: a.uuid, labelledCount: 2 },
          { batchUuid: b.uuid, labelledCount: 3 },
        ]);
      });
      expect(await batches.findByKey(a.batchId)).toMatchObject({ driftReportId: report.id, labelledCount: 2 });
      expect(await batches.findByKey(b.batchId)).toMatchObject({ driftReportId: null, labelledCount: 3 });
      expect(await batches.keysOf([a.uuid, b.uuid])).toEqual(
        new Map([
          [a.uuid, a.batchId],
          [b.uuid, b.batchId],
        ]),
      );
      expect(await batches.keysOf([])).toEqual(new Map());
    });

    it('pages batches newest first with a keyset cursor that stays stable while new batches arrive', async () => {
      const before = (await batches.newestFirst(1, null)).totalCount;
      const made: string[] = [];
      for (let i = 0; i < 3; i++) {
        const row = newBatch();
        await dataSource.transaction((m) => batches.insertIfAbsent(m, row));
        made.unshift(row.batchId);
      }
      const first = await batches.newestFirst(2, null);
      expect(first.totalCount).toBe(before + 3);
      expect(first.size).toBe(2);
      // Three rows for a page of two: the extra one says a next page exists.
      expect(first.rows.map((r) => r.batchId)).toEqual([made[0], made[1], made[2]]);

      const newer = newBatch();
      await dataSource.transaction((m) => batches.insertIfAbsent(m, newer));
      const cursor = Buffer.from(JSON.stringify([first.rows[1].id])).toString('base64url');
      const second = await batches.newestFirst(1, cursor);
      expect(second.rows[0].batchId).toBe(made[2]);
      expect(second.totalCount).toBe(before + 4);

      await expect(batches.newestFirst(2, 'not-a-cursor')).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
      await expect(batches.newestFirst(0, null)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    });
  });

  describe('prediction logs', () => {
    it('writes rows with COPY and reads them back in request order, free text escaped, grades and null grades', async () => {
      const customers = ['plain', 'tab\there', 'back\\slash\nnewline'];
      const seeded = await seed({ customers, labels: [null, true, false] });
      const predictions = await logs.predictionsOf(seeded.uuid);
      expect(predictions).toEqual(
        customers.map((customerId, i) => ({
          rowIndex: i,
          customerId,
          probability: seeded.probabilities[i],
          riskLabel: i % 2 ? 'HIGH' : 'LOW',
          grade: [1, 2, null][i],
        })),
      );
      const [stored] = await dataSource.query(
        `SELECT age, annual_income, actual_default, outcome_observed_at IS NOT NULL AS observed, model_version, scored_with
         FROM prediction_logs WHERE batch_id = $1 AND row_index = 1`,
        [seeded.uuid],
      );
      expect(stored).toEqual({
        age: 31,
        annual_income: 11,
        actual_default: true,
        observed: true,
        model_version: seeded.modelVersion,
        scored_with: 'artifact',
      });
    });

    it('writes nothing when the transaction rolls back', async () => {
      const row = newBatch();
      await expect(
        dataSource.transaction(async (m) => {
          const inserted = await batches.insertIfAbsent(m, row);
          await logs.write(m, {
            batchUuid: inserted!.id,
            records: [{ customerId: 'x' }],
            columns: columnsFor(1),
            probabilities: Float64Array.of(0.5),
            riskLabels: ['LOW'],
            grades: [null],
            modelVersion: row.modelVersion,
            scoredWith: 'artifact',
          });
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await batches.findByKey(row.batchId)).toBeNull();
      const [counted] = await dataSource.query(`SELECT count(*)::int AS n FROM prediction_logs WHERE model_version = $1`, [
        row.modelVersion,
      ]);
      expect(counted.n).toBe(0);
    });

    it('refuses to COPY outside an open transaction', async () => {
      await expect(
        logs.write(dataSource.manager, {
          batchUuid: '00000000-0000-0000-0000-000000000000',
          records: [{ customerId: 'x' }],
          columns: columnsFor(1),
          probabilities: Float64Array.of(0.5),
          riskLabels: ['LOW'],
          grades: [3],
          modelVersion: 'm',
          scoredWith: 'artifact',
        }),
      ).rejects.toThrow(/open transaction/);
    });

    it("pages a batch's predictions by row index", async () => {
      const seeded = await seed({ n: 5 });
      const page1 = await logs.predictionsPage(seeded.uuid, -1, 3);
      expect(page1.map((p) => p.rowIndex)).toEqual([0, 1, 2]);
      const page2 = await logs.predictionsPage(seeded.uuid, page1[1].rowIndex, 3);
      expect(page2.map((p) => p.rowIndex)).toEqual([2, 3, 4]);
      expect(page2.map((p) => p.customerId)).toEqual(seeded.customers.slice(2));
      expect(page2.map((p) => p.grade)).toEqual(seeded.grades.slice(2));
      expect(await logs.predictionsPage(seeded.uuid, 4, 3)).toEqual([]);
    });

    it("finds a window's batches by commit time; moving a batch moves its rows (trigger)", async () => {
      const a = await seed({ n: 4 });
      const b = await seed({ n: 2 });
      const at = uniqueDay();
      await dataSource.query(`UPDATE batches SET received_at = $2 WHERE id = ANY($1::uuid[])`, [[a.uuid, b.uuid], at]);
      const moved = await dataSource.query(`SELECT DISTINCT created_at FROM prediction_logs WHERE batch_id = ANY($1::uuid[])`, [
        [a.uuid, b.uuid],
      ]);
      expect(moved.map((r: { created_at: Date }) => r.created_at.toISOString())).toEqual([at.toISOString()]);

      const found = await dataSource.transaction((m) => profiles.windowBatches(m, at, minutes(at, 60), null));
      expect(found.map((f) => f.batchUuid).sort()).toEqual([a.uuid, b.uuid].sort());
      expect(found.every((f) => !f.profiled)).toBe(true);
      expect(found.map((f) => f.modelVersion).sort()).toEqual([a.modelVersion, b.modelVersion].sort());
      expect(await dataSource.transaction((m) => profiles.windowBatches(m, minutes(at, 60), minutes(at, 120), null))).toEqual([]);
    });

    it('computes the multivariate reconstruction error in PostgreSQL to the same doubles and bins as the engine', async () => {
      const generator = loadProfile();
      const reference = generateColumns(generator, 600, { seed: 61 }).columns;
      const current = generateColumns(generator, 250, { seed: 62, scenario: 'loan_income_decoupled' }).columns;
      const start = uniqueDay();
      const a = await seed({ n: 250, createdAt: start, columns: current });
      const profile = buildBaselineProfile(
        { ...reference, prediction: Float64Array.from({ length: 600 }, (_, i) => (i + 0.5) / 600) },
        defaultColumnKinds(),
      );
      expect(profile.multivariate).toBeDefined();
      const specs = sketchColumnSpecs(profile);
      const rows = await dataSource.transaction((m) =>
        logs.pushDownBins(m, {
          range: { modelVersion: a.modelVersion, start, end: minutes(start, 300) },
          batchUuids: [a.uuid],
          columns: pushDownColumnsFor(specs, profile),
        }),
      );
      const fromDatabase = sketchFromBinAggregates('b', specs, rows).columns[MULTIVARIATE_COLUMN];
      const inNode = sketchColumns(profile, 'b', { ...current, prediction: a.probabilities }).columns[MULTIVARIATE_COLUMN];
      if (fromDatabase.kind !== 'numeric' || inNode.kind !== 'numeric') throw new Error('multivariate must be numeric');
      // The same doubles: extremes equal exactly, every row in the same grid bin.
      expect({ count: fromDatabase.count, min: fromDatabase.min, max: fromDatabase.max }).toEqual({
        count: 250,
        min: inNode.min,
        max: inNode.max,
      });
      expect(fromDatabase.sum).toBeCloseTo(inNode.sum, 9);
      expect(Array.from(fromDatabase.counts)).toEqual(Array.from(inNode.counts));
      expect(Array.from(fromDatabase.atUpperEdge)).toEqual(Array.from(inNode.atUpperEdge));
    });

    it('bins rows in PostgreSQL exactly as the engine bins them in Node (right-closed bins, discrete values, score sums)', async () => {
      const start = uniqueDay();
      const a = await seed({ n: 40, createdAt: start });
      const end = minutes(start, 60);
      const reference = columnsFor(40);
      // A baseline from other values, so edges fall between and on the logged values.
      const baselineColumns: Record<string, Float64Array> = { prediction: Float64Array.from({ length: 30 }, (_, i) => (i + 0.5) / 31) };
      for (const name of FEATURE_NAMES) baselineColumns[name] = reference[name].map((v, i) => v + (i % 3) - 1).subarray(0, 30);
      const profile = buildBaselineProfile(baselineColumns, defaultColumnKinds());
      const specs = sketchColumnSpecs(profile);
      const rows = await dataSource.transaction((m) =>
        logs.pushDownBins(m, {
          range: { modelVersion: a.modelVersion, start, end },
          batchUuids: [a.uuid],
          columns: specs.map((spec) => ({ ...spec, source: loggedColumnOf(spec.name) })),
          scoreThreshold: 0.5,
        }),
      );
      const fromDatabase = sketchFromBinAggregates('b', specs, rows, 0.5);
      const inNode = sketchColumns(profile, 'b', { ...columnsFor(40), prediction: a.probabilities }, 0.5);
      expect(fromDatabase.rowCount).toBe(40);
      // Some logged values sit exactly on the baseline's cut points: those edge counts are compared too.
      expect(Object.values(inNode.columns).some((c) => c.kind === 'numeric' && c.atUpperEdge.some((n) => n > 0))).toBe(true);
      for (const [name, column] of Object.entries(inNode.columns)) {
        const other = fromDatabase.columns[name];
        expect({ name, count: other.count, min: other.min, max: other.max }).toEqual({
          name,
          count: column.count,
          min: column.min,
          max: column.max,
        });
        expect(other.sum).toBeCloseTo(column.sum, 9);
        if (column.kind === 'numeric' && other.kind === 'numeric') {
          expect({ name, counts: Array.from(other.counts) }).toEqual({ name, counts: Array.from(column.counts) });
          expect({ name, atUpperEdge: Array.from(other.atUpperEdge) }).toEqual({ name, atUpperEdge: Array.from(column.atUpperEdge) });
          if (column.scores) {
            expect(other.scores!.countAtOrAbove).toBe(column.scores.countAtOrAbove);
            expect(other.scores!.sumAtOrAbove).toBeCloseTo(column.scores.sumAtOrAbove, 9);
            expect(other.scores!.entropySum).toBeCloseTo(column.scores.entropySum, 9);
            expect(other.scores!.sumSquares).toBeCloseTo(column.scores.sumSquares, 9);
          }
        } else if (column.kind === 'discrete' && other.kind === 'discrete') {
          expect(Object.fromEntries(other.categories)).toEqual(Object.fromEntries(column.categories));
        }
      }
    });

    it("sums a window's outcomes in PostgreSQL: the same realized metrics as computed on the rows", async () => {
      const start = uniqueDay();
      const labels = Array.from({ length: 30 }, (_, i) => (i % 4 === 3 ? null : (i * 7) % 5 < 2));
      const a = await seed({ n: 30, labels, createdAt: start });
      // Ties: a second batch repeats some of the first one's scores.
      const b = await seed({
        n: 30,
        labels: labels.map((l) => (l === null ? null : !l)),
        modelVersion: a.modelVersion,
        createdAt: minutes(start, 30),
      });
      const end = minutes(start, 60);
      const sums = await dataSource.transaction((m) => logs.windowOutcomeSums(m, { modelVersion: a.modelVersion, start, end }, 0.4));
      const yTrue: number[] = [];
      const yScore: number[] = [];
      for (const [seeded, ls] of [
        [a, labels],
        [b, labels.map((l) => (l === null ? null : !l))],
      ] as const) {
        ls.forEach((label, i) => {
          // Rows at minute ≥ 60 fall outside the window (row i is at createdAt + i minutes).
          const minute = (seeded === a ? 0 : 30) + i;
          if (label === null || minute >= 60) return;
          yTrue.push(label ? 1 : 0);
          yScore.push(seeded.probabilities[i]);
        });
      }
      const expected = binaryMetrics(yTrue, yScore, 0.4);
      expect(sums.labelled).toBe(yTrue.length);
      expect(sums.positives).toBe(yTrue.filter((y) => y === 1).length);
      const tp = yTrue.filter((y, i) => y === 1 && yScore[i] >= 0.4).length;
      expect(sums.truePositives).toBe(tp);
      expect(sums.squaredError / sums.labelled).toBeCloseTo(expected.brier, 12);
      expect(sums.logLossSum / sums.labelled).toBeCloseTo(expected.logLoss, 12);
      expect(sums.rankPairsTwice / (2 * sums.pairs)).toBeCloseTo(rocAuc(yTrue, yScore), 12);
    });

    it('reads labelled rows, the newest kept (retraining)', async () => {
      const start = uniqueDay();
      await seed({ n: 5, labels: [true, null, false, true, false], createdAt: start });
      const end = minutes(start, 60);

      const labelled = await logs.labelledFeatureRows(start, end, 3);
      // Labelled rows are 0, 2, 3, 4; the newest three (2, 3, 4) are kept, returned in insertion order.
      expect(Array.from(labelled.columns.age)).toEqual([32, 33, 34]);
      expect(Array.from(labelled.labels)).toEqual([0, 1, 0]);

      expect((await logs.labelledFeatureRows(minutes(start, -60), start, 10)).labels).toHaveLength(0);
    });

    it('bins scores by time bucket and model version', async () => {
      const start = uniqueDay();
      const a = await seed({ n: 2, labels: [true, false], createdAt: start });
      const b = await seed({ n: 1, createdAt: minutes(start, 61) });
      const range = { from: start, to: minutes(start, 120), bucket: '1 hour', origin: '2000-01-03T00:00:00Z', limit: 10 };
      const rows = await logs.bucketedScores(range);
      const hour = (n: number) => minutes(start, 60 * n);
      // Ordered by bucket and model version only: the two rows of batch a may come either way.
      expect(rows.slice(0, 2).sort((x, y) => x.probability - y.probability)).toEqual([
        { bucket: hour(0), modelVersion: a.modelVersion, probability: a.probabilities[0], actualDefault: true },
        { bucket: hour(0), modelVersion: a.modelVersion, probability: a.probabilities[1], actualDefault: false },
      ]);
      expect(rows.slice(2)).toEqual([
        { bucket: hour(1), modelVersion: b.modelVersion, probability: b.probabilities[0], actualDefault: null },
      ]);
    });
  });

  describe('outcome joins', () => {
    it('matches outcomes by batch key or by observation time, locks them, and stores them', async () => {
      const shared = unique('cust');
      const start = new Date(Date.now() - 3_600_000);
      const a = await seed({ n: 2, customers: [shared, unique('cust')], labels: [null, true], createdAt: start });
      const b = await seed({ n: 1, customers: [shared], createdAt: minutes(start, 30) });

      await dataSource.transaction(async (m) => {
        const matched = await logs.lockMatchingPredictions(m, [
          // By batch key: only batch a's row.
          { customerId: shared, batchKey: a.batchId, observedAt: new Date() },
          // Without a key: every row for the customer scored by then (a's, not yet b's).
          { customerId: shared, batchKey: null, observedAt: minutes(start, 10) },
          // Without a key, later: both rows.
          { customerId: shared, batchKey: null, observedAt: minutes(start, 40) },
          { customerId: unique('nobody'), batchKey: null, observedAt: new Date() },
          { customerId: a.customers[1], batchKey: a.batchId, observedAt: new Date() },
        ]);
        const rowsOf = (ord: number) => matched.filter((r) => r.ord === ord).map((r) => r.batchKey);
        expect(rowsOf(0)).toEqual([a.batchId]);
        expect(rowsOf(1)).toEqual([a.batchId]);
        expect(rowsOf(2).sort()).toEqual([a.batchId, b.batchId].sort());
        expect(rowsOf(3)).toEqual([]);
        const labelled = matched.find((r) => r.ord === 4)!;
        expect(labelled).toEqual({
          ord: 4,
          id: expect.any(String),
          batchUuid: a.uuid,
          batchKey: a.batchId,
          customerId: a.customers[1],
          storedDefault: true,
          storedObservedAt: expect.any(Date),
        });
        // In prediction id order, so concurrent submissions lock in the same order.
        const ids = matched.map((r) => BigInt(r.id));
        expect([...ids].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))).toEqual(ids);

        const observedAt = new Date('2020-05-01T00:00:00Z');
        const target = matched.find((r) => r.ord === 0)!;
        await logs.setOutcomes(m, [{ id: target.id, value: false, observedAt }]);
        await logs.setOutcomes(m, []);
      });

      const scores = await dataSource.transaction((m) => logs.batchScores(m, [a.uuid, b.uuid]));
      const byBatch = (uuid: string) => scores.filter((s) => s.batchUuid === uuid);
      expect(byBatch(a.uuid)).toEqual([
        { batchUuid: a.uuid, modelVersion: a.modelVersion, probability: a.probabilities[0], actualDefault: false },
        { batchUuid: a.uuid, modelVersion: a.modelVersion, probability: a.probabilities[1], actualDefault: true },
      ]);
      expect(byBatch(b.uuid)).toEqual([
        { batchUuid: b.uuid, modelVersion: b.modelVersion, probability: b.probabilities[0], actualDefault: null },
      ]);
      const [stored] = await dataSource.query(`SELECT outcome_observed_at FROM prediction_logs WHERE batch_id = $1 AND row_index = 0`, [
        a.uuid,
      ]);
      expect(stored.outcome_observed_at).toEqual(new Date('2020-05-01T00:00:00Z'));
    });

    it('holds the matched rows locked until COMMIT', async () => {
      const seeded = await seed({ n: 1 });
      const lookup = [{ customerId: seeded.customers[0], batchKey: seeded.batchId, observedAt: new Date() }];
      const runner = dataSource.createQueryRunner();
      await runner.connect();
      await runner.startTransaction();
      try {
        await logs.lockMatchingPredictions(runner.manager, lookup);
        const [other] = await dataSource.query(
          `SELECT count(*)::int AS n FROM (SELECT id FROM prediction_logs WHERE batch_id = $1 FOR UPDATE SKIP LOCKED) free`,
          [seeded.uuid],
        );
        expect(other.n).toBe(0);
      } finally {
        await runner.rollbackTransaction();
        await runner.release();
      }
    });
  });
});
