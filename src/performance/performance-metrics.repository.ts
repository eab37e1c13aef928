import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { PerformanceFigures, StoredEstimate, StoredRealized } from './performance-metrics';

/** A batch's stored performance, as forBatch reads it. */
export interface BatchPerformanceRow {
  row_count: number;
  labelled_count: number;
  realized: StoredRealized | null;
  estimated: StoredEstimate;
  computed_at: Date;
}

export interface BatchPerformance {
  batchUuid: string;
  modelVersion: string;
  figures: PerformanceFigures;
}

export interface WindowPerformance {
  modelVersion: string;
  windowKind: string;
  windowStart: Date;
  windowEnd: Date;
  figures: PerformanceFigures;
}

/** The only SQL on `performance_metrics`: one BATCH row per batch, one WINDOW row per (model, window kind, window end). */
@Injectable()
export class PerformanceMetricsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Inserts or refreshes the BATCH rows of these batches in one statement. */
  async upsertBatches(manager: EntityManager, rows: BatchPerformance[]): Promise<void> {
    await manager.query(
      `INSERT INTO performance_metrics (scope, batch_id, model_version, row_count, labelled_count, realized, estimated)
       SELECT 'BATCH', u.batch_id, u.model_version, u.row_count, u.labelled_count, u.realized, u.estimated
       FROM unnest($1::uuid[], $2::text[], $3::int[], $4::int[], $5::jsonb[], $6::jsonb[])
         AS u(batch_id, model_version, row_count, labelled_count, realized, estimated)
       ON CONFLICT (batch_id) WHERE batch_id IS NOT NULL DO UPDATE
         SET row_count = EXCLUDED.row_count, labelled_count = EXCLUDED.labelled_count, realized = EXCLUDED.realized,
             estimated = EXCLUDED.estimated, computed_at = now()`,
      [
        rows.map((r) => r.batchUuid),
        rows.map((r) => r.modelVersion),
        rows.map((r) => r.figures.rowCount),
        rows.map((r) => r.figures.labelledCount),
        rows.map((r) => (r.figures.realized ? JSON.stringify(r.figures.realized) : null)),
        rows.map((r) => JSON.stringify(r.figures.estimated)),
      ],
    );
  }

  /** Writes a window's row once: false when it already exists (another instance or an earlier run wrote it). */
  async insertWindowOnce(manager: EntityManager, row: WindowPerformance): Promise<boolean> {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO performance_metrics (scope, model_version, window_kind, window_start, window_end, row_count, labelled_count, realized, estimated)
       VALUES ('WINDOW', $1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (model_version, window_kind, window_end) WHERE scope = 'WINDOW' DO NOTHING
       RETURNING id`,
      [
        row.modelVersion,
        row.windowKind,
        row.windowStart,
        row.windowEnd,
        row.figures.rowCount,
        row.figures.labelledCount,
        row.figures.realized ? JSON.stringify(row.figures.realized) : null,
        JSON.stringify(row.figures.estimated),
      ],
    );
    return inserted.length > 0;
  }

  async findForBatch(batchUuid: string): Promise<BatchPerformanceRow | null> {
    const rows: BatchPerformanceRow[] = await this.dataSource.query(
      `SELECT row_count, labelled_count, realized, estimated, computed_at FROM performance_metrics WHERE batch_id = $1`,
      [batchUuid],
    );
    return rows[0] ?? null;
  }
}
