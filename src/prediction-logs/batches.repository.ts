import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { newestFirstPage } from '../common/pagination/connection';
import { BatchEntity } from './entities/batch.entity';

/** A batch row to insert: everything but what PostgreSQL assigns. */
export type NewBatch = Omit<BatchEntity, 'id' | 'receivedAt' | 'driftReportId'>;

/** What PostgreSQL assigned to an inserted batch. */
export interface InsertedBatch {
  id: string;
  receivedAt: Date;
  labelledCount: number;
}

/** One page of batches, newest first: `rows` holds up to `size + 1` (the extra one only tells a next page exists). */
export interface BatchPage {
  rows: BatchEntity[];
  size: number;
  totalCount: number;
}

const BATCH_SELECT = `b.id, b.batch_id AS "batchId", b.payload_hash AS "payloadHash", b.model_version AS "modelVersion",
  b.scored_with AS "scoredWith", b.size, b.metadata, b.data_quality AS "dataQuality", b.warnings,
  b.labelled_count AS "labelledCount", b.drift_report_id AS "driftReportId", b.received_at AS "receivedAt"`;

const BATCH_KEYSET = { table: 'batches', alias: 'b', timeColumn: 'received_at' };

/** The only code that runs SQL on batches. Writes take the caller's transaction manager. */
@Injectable()
export class BatchesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A batch by the caller's idempotency key. */
  async findByKey(batchId: string, manager: EntityManager = this.dataSource.manager): Promise<BatchEntity | null> {
    const rows: BatchEntity[] = await manager.query(`SELECT ${BATCH_SELECT} FROM batches b WHERE b.batch_id = $1`, [batchId]);
    return rows[0] ?? null;
  }

  /**
   * Inserts the batch unless its key exists. Returns null when another request (possibly on
   * another instance) committed this key first: the unique index makes this INSERT wait for that
   * transaction, then do nothing.
   */
  async insertIfAbsent(manager: EntityManager, row: NewBatch): Promise<InsertedBatch | null> {
    const inserted: Array<{ id: string; receivedAt: Date }> = await manager.query(
      `INSERT INTO batches (batch_id, payload_hash, model_version, scored_with, size, metadata, data_quality, warnings, labelled_count)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (batch_id) DO NOTHING
       RETURNING id, received_at AS "receivedAt"`,
      [
        row.batchId,
        row.payloadHash,
        row.modelVersion,
        row.scoredWith,
        row.size,
        row.metadata === null ? null : JSON.stringify(row.metadata),
        JSON.stringify(row.dataQuality),
        JSON.stringify(row.warnings),
        row.labelledCount,
      ],
    );
    return inserted.length ? { id: inserted[0].id, receivedAt: inserted[0].receivedAt, labelledCount: row.labelledCount } : null;
  }

  /** Links a batch to the drift report computed for it. */
  async setDriftReport(manager: EntityManager, batchUuid: string, driftReportId: string): Promise<void> {
    await manager.query(`UPDATE batches SET drift_report_id = $1 WHERE id = $2`, [driftReportId, batchUuid]);
  }

  /** Refreshes labelled counts after late outcomes, in one statement. */
  async setLabelledCounts(manager: EntityManager, counts: ReadonlyArray<{ batchUuid: string; labelledCount: number }>): Promise<void> {
    await manager.query(`UPDATE batches b SET labelled_count = u.n FROM unnest($1::uuid[], $2::int[]) AS u(id, n) WHERE b.id = u.id`, [
      counts.map((c) => c.batchUuid),
      counts.map((c) => c.labelledCount),
    ]);
  }

  /** The callers' keys (batch_id) of the given batches, by batch uuid. */
  async keysOf(batchUuids: ReadonlyArray<string>): Promise<Map<string, string>> {
    const rows: Array<{ id: string; batchId: string }> = await this.dataSource.query(
      `SELECT id, batch_id AS "batchId" FROM batches WHERE id = ANY($1::uuid[])`,
      [batchUuids],
    );
    return new Map(rows.map((b) => [b.id, b.batchId]));
  }

  /** Batches newest first by (received_at, id), after the batch the cursor names. */
  async newestFirst(first: number | null | undefined, after: string | null | undefined): Promise<BatchPage> {
    const page = newestFirstPage(BATCH_KEYSET, first, after, 2);
    const [rows, counted] = await Promise.all([
      this.dataSource.query(
        `SELECT ${BATCH_SELECT} FROM batches b ${page.condition ? `WHERE ${page.condition}` : ''}
         ORDER BY b.received_at DESC, b.id DESC LIMIT $1`,
        [page.limit, ...page.params],
      ) as Promise<BatchEntity[]>,
      this.dataSource.query(`SELECT count(*)::int AS n FROM batches`) as Promise<Array<{ n: number }>>,
    ]);
    return { rows, size: page.limit - 1, totalCount: counted[0].n };
  }
}
