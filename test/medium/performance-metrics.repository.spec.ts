import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { computePerformance, PerformanceFigures } from '../../src/performance/performance-metrics';
import { PerformanceMetricsRepository, WindowPerformance } from '../../src/performance/performance-metrics.repository';
import { useMigratedDatabase } from '../support/medium-database';

/**
 * Medium tier: the performance_metrics repository on a real PostgreSQL. One BATCH row per batch
 * (upserted when late outcomes arrive), one WINDOW row per (model, window kind, window end). Each
 * test makes its own batches and model versions.
 */
describe('PerformanceMetricsRepository (real PostgreSQL)', () => {
  const db = useMigratedDatabase([PerformanceMetricsRepository]);
  let dataSource: DataSource;
  let repository: PerformanceMetricsRepository;

  const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
  const unlabelled: PerformanceFigures = computePerformance([0.1, 0.7, 0.4, 0.9], [null, null, null, null], 0.5);
  const labelled: PerformanceFigures = computePerformance([0.1, 0.7, 0.4, 0.9], [false, true, true, true], 0.5);

  /** A batches row for the metrics to reference (the FK), as ingestion would write it. */
  async function batch(modelVersion: string): Promise<string> {
    const [row] = await dataSource.query(
      `INSERT INTO batches (batch_id, payload_hash, model_version, scored_with, size, data_quality)
       VALUES ($1, 'hash', $2, 'fallback', 4, '{}'::jsonb) RETURNING id`,
      [unique('batch'), modelVersion],
    );
    return row.id as string;
  }

  async function storedRows(batchUuid: string): Promise<Array<{ scope: string; model_version: string; computed_at: Date }>> {
    return dataSource.query(`SELECT scope, model_version, computed_at FROM performance_metrics WHERE batch_id = $1`, [batchUuid]);
  }

  beforeAll(() => {
    dataSource = db.dataSource;
    repository = db.get(PerformanceMetricsRepository);
  });

  describe('per batch', () => {
    it('inserts a BATCH row, then replaces its figures when the batch is recomputed (one row per batch)', async () => {
      const modelVersion = unique('model');
      const batchUuid = await batch(modelVersion);
      expect(await repository.findForBatch(batchUuid)).toBeNull();

      await dataSource.transaction((m) => repository.upsertBatches(m, [{ batchUuid, modelVersion, figures: unlabelled }]));
      const first = await repository.findForBatch(batchUuid);
      expect(first).toEqual({
        row_count: 4,
        labelled_count: 0,
        realized: null,
        estimated: unlabelled.estimated,
        computed_at: expect.any(Date),
      });

      await dataSource.transaction((m) => repository.upsertBatches(m, [{ batchUuid, modelVersion, figures: labelled }]));
      const second = await repository.findForBatch(batchUuid);
      expect(second).toEqual({
        row_count: 4,
        labelled_count: 4,
        realized: labelled.realized,
        estimated: labelled.estimated,
        computed_at: expect.any(Date),
      });
      expect(second!.computed_at.getTime()).toBeGreaterThanOrEqual(first!.computed_at.getTime());
      expect(await storedRows(batchUuid)).toEqual([{ scope: 'BATCH', model_version: modelVersion, computed_at: second!.computed_at }]);
    });

    it('upserts several batches in one call, new and existing together', async () => {
      const modelVersion = unique('model');
      const [a, b] = [await batch(modelVersion), await batch(modelVersion)];
      await dataSource.transaction((m) => repository.upsertBatches(m, [{ batchUuid: a, modelVersion, figures: unlabelled }]));
      await dataSource.transaction((m) =>
        repository.upsertBatches(m, [
          { batchUuid: a, modelVersion, figures: labelled },
          { batchUuid: b, modelVersion, figures: unlabelled },
        ]),
      );
      expect((await repository.findForBatch(a))?.labelled_count).toBe(4);
      expect((await repository.findForBatch(b))?.labelled_count).toBe(0);
      expect(await storedRows(a)).toHaveLength(1);
    });

    it('rolls back with the caller’s transaction', async () => {
      const modelVersion = unique('model');
      const batchUuid = await batch(modelVersion);
      await expect(
        dataSource.transaction(async (m) => {
          await repository.upsertBatches(m, [{ batchUuid, modelVersion, figures: labelled }]);
          throw new Error('batch failed');
        }),
      ).rejects.toThrow('batch failed');
      expect(await repository.findForBatch(batchUuid)).toBeNull();
    });
  });

  describe('per window', () => {
    it('writes a window once: a second run for the same (model, kind, end) writes nothing', async () => {
      const window: WindowPerformance = {
        modelVersion: unique('model'),
        windowKind: 'DAILY',
        windowStart: new Date('2026-03-01T00:00:00Z'),
        windowEnd: new Date('2026-03-02T00:00:00Z'),
        figures: labelled,
      };
      expect(await dataSource.transaction((m) => repository.insertWindowOnce(m, window))).toBe(true);
      expect(await dataSource.transaction((m) => repository.insertWindowOnce(m, { ...window, figures: unlabelled }))).toBe(false);
      expect(await dataSource.transaction((m) => repository.insertWindowOnce(m, { ...window, windowKind: 'HOURLY' }))).toBe(true);
      const nextDay = { windowStart: window.windowEnd, windowEnd: new Date('2026-03-03T00:00:00Z') };
      expect(await dataSource.transaction((m) => repository.insertWindowOnce(m, { ...window, ...nextDay }))).toBe(true);

      const rows = await dataSource.query(
        `SELECT scope, batch_id, window_kind, window_start, window_end, row_count, labelled_count, realized, estimated
         FROM performance_metrics WHERE model_version = $1 ORDER BY window_end, window_kind`,
        [window.modelVersion],
      );
      expect(rows).toHaveLength(3);
      expect(rows[0]).toEqual({
        scope: 'WINDOW',
        batch_id: null,
        window_kind: 'DAILY',
        window_start: window.windowStart,
        window_end: window.windowEnd,
        row_count: 4,
        labelled_count: 4,
        realized: labelled.realized,
        estimated: labelled.estimated,
      });
    });

    it('stores null realized figures for a window without labels', async () => {
      const modelVersion = unique('model');
      const window = {
        modelVersion,
        windowKind: 'HOURLY',
        windowStart: new Date('2026-03-01T00:00:00Z'),
        windowEnd: new Date('2026-03-01T01:00:00Z'),
      };
      expect(await dataSource.transaction((m) => repository.insertWindowOnce(m, { ...window, figures: unlabelled }))).toBe(true);
      const [row] = await dataSource.query(`SELECT realized, estimated FROM performance_metrics WHERE model_version = $1`, [modelVersion]);
      expect(row).toEqual({ realized: null, estimated: unlabelled.estimated });
    });
  });
});
