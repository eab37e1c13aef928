import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { FEATURE_NAMES, FeatureColumns } from '../../src/model/features';
import { BatchesRepository, NewBatch } from '../../src/prediction-logs/batches.repository';
import { PredictionLogWriter } from '../../src/prediction-logs/prediction-log.writer';
import { PredictionLogsRepository } from '../../src/prediction-logs/prediction-logs.repository';
import { useMigratedDatabase } from '../support/medium-database';

/**
 * Medium tier: the batches and prediction_logs repositories on a real PostgreSQL. Each test makes
 * its own batch keys, model versions and (where it reads by time) its own time range.
 */
describe('BatchesRepository and PredictionLogsRepository (real PostgreSQL)', () => {
  const db = useMigratedDatabase([PredictionLogWriter, BatchesRepository, PredictionLogsRepository]);
  let dataSource: DataSource;
  let batches: BatchesRepository;
  let logs: PredictionLogsRepository;

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
  }

  /**
   * One batch with its prediction logs, written as ingestion does (one transaction). With
   * `createdAt`, row i is moved to createdAt + i minutes, so time-range reads are exact.
   */
  async function seed(
    options: { n?: number; labels?: Array<boolean | null>; modelVersion?: string; createdAt?: Date; customers?: string[] } = {},
  ): Promise<Seeded> {
    const n = options.n ?? 3;
    const row = newBatch({ size: n, ...(options.modelVersion ? { modelVersion: options.modelVersion } : {}) });
    const customers = options.customers ?? Array.from({ length: n }, () => unique('cust'));
    const probabilities = Float64Array.from({ length: n }, (_, i) => (i + 1) / (n + 1));
    const uuid = await dataSource.transaction(async (manager) => {
      const inserted = await batches.insertIfAbsent(manager, row);
      await logs.write(manager, {
        batchUuid: inserted!.id,
        records: customers.map((customerId, i) => ({ customerId, actualDefault: options.labels?.[i] })),
        columns: columnsFor(n),
        probabilities,
        riskLabels: customers.map((_, i) => (i % 2 ? 'HIGH' : 'LOW')),
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
    return { uuid, batchId: row.batchId, modelVersion: row.modelVersion, probabilities, customers };
  }

  const minutes = (start: Date, n: number) => new Date(start.getTime() + n * 60_000);

  beforeAll(() => {
    dataSource = db.dataSource;
    batches = db.get(BatchesRepository);
    logs = db.get(PredictionLogsRepository);
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
    it('writes rows with COPY and reads them back in request order, free text escaped', async () => {
      const customers = ['plain', 'tab\there', 'back\\slash\nnewline'];
      const seeded = await seed({ customers, labels: [null, true, false] });
      const predictions = await logs.predictionsOf(seeded.uuid);
      expect(predictions).toEqual(
        customers.map((customerId, i) => ({
          rowIndex: i,
          customerId,
          probability: seeded.probabilities[i],
          riskLabel: i % 2 ? 'HIGH' : 'LOW',
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
      expect(await logs.predictionsPage(seeded.uuid, 4, 3)).toEqual([]);
    });

    it("reads a window: model versions in it, and one version's rows newest first up to maxRows", async () => {
      const start = uniqueDay();
      const a = await seed({ n: 4, labels: [true, null, false, null], createdAt: start });
      const b = await seed({ n: 2, createdAt: minutes(start, 10) });
      await seed({ n: 2, modelVersion: a.modelVersion, createdAt: minutes(start, 60 * 24 * 3) });
      const end = minutes(start, 60);

      const versions = await dataSource.transaction((m) => logs.modelVersionsIn(m, start, end));
      expect(versions).toEqual([a.modelVersion, b.modelVersion].sort());

      const rows = await dataSource.transaction((m) => logs.windowRows(m, a.modelVersion, start, end, 3));
      // Rows 3, 2, 1 of batch a: the newest three inside the window.
      expect(Array.from(rows.columns.age)).toEqual([33, 32, 31]);
      expect(Array.from(rows.columns.employmentYears)).toEqual([73, 72, 71]);
      expect(Array.from(rows.columns.numOpenAccounts)).toEqual([43, 42, 41]);
      expect(Array.from(rows.probabilities)).toEqual([a.probabilities[3], a.probabilities[2], a.probabilities[1]]);
      expect(rows.labels).toEqual([null, false, null]);

      const empty = await dataSource.transaction((m) => logs.windowRows(m, unique('model'), start, end, 10));
      expect(empty.probabilities).toHaveLength(0);
      expect(empty.columns.age).toHaveLength(0);
    });

    it('reads scored rows oldest first (baselines) and labelled rows newest kept (retraining)', async () => {
      const start = uniqueDay();
      const seeded = await seed({ n: 5, labels: [true, null, false, true, false], createdAt: start });
      const end = minutes(start, 60);

      const scored = await logs.scoredFeatureRows(start, end, 4);
      expect(scored.rowCount).toBe(4);
      expect(Array.from(scored.columns.age)).toEqual([30, 31, 32, 33]);
      expect(Array.from(scored.probabilities)).toEqual(Array.from(seeded.probabilities.slice(0, 4)));

      const labelled = await logs.labelledFeatureRows(start, end, 3);
      // Labelled rows are 0, 2, 3, 4; the newest three (2, 3, 4) are kept, returned in insertion order.
      expect(Array.from(labelled.columns.age)).toEqual([32, 33, 34]);
      expect(Array.from(labelled.labels)).toEqual([0, 1, 0]);

      expect((await logs.scoredFeatureRows(minutes(start, -60), start, 10)).rowCount).toBe(0);
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
