import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** A stored per-batch sketch (src/drift-engine/sketch.ts) with the baseline whose grid it used. */
export interface StoredBatchProfile {
  batchUuid: string;
  baselineId: string;
  rowCount: number;
  sketch: Buffer;
}

/** A batch committed inside a window, and whether it has a profile on the asked baseline. */
export interface WindowBatch {
  batchUuid: string;
  modelVersion: string;
  /** False: no profile on this baseline's grid (its rows are binned in PostgreSQL instead). */
  profiled: boolean;
}

/** The only code that runs SQL on batch_profiles. */
@Injectable()
export class BatchProfilesRepository {
  /** Written in the batch's own transaction, so a batch and its profile commit together. */
  async insert(manager: EntityManager, profile: StoredBatchProfile): Promise<void> {
    await manager.query(`INSERT INTO batch_profiles (batch_id, baseline_id, row_count, sketch) VALUES ($1, $2, $3, $4)`, [
      profile.batchUuid,
      profile.baselineId,
      profile.rowCount,
      profile.sketch,
    ]);
  }

  /** The stored sketches of these batches (a page of a window: callers bound how many at once). */
  async sketchesOf(manager: EntityManager, batchUuids: ReadonlyArray<string>): Promise<Buffer[]> {
    if (!batchUuids.length) return [];
    const rows: Array<{ sketch: Buffer }> = await manager.query(`SELECT sketch FROM batch_profiles WHERE batch_id = ANY($1::uuid[])`, [
      batchUuids,
    ]);
    return rows.map((r) => r.sketch);
  }

  /** Erasure: these batches lose their profiles (their remaining rows are binned when needed). */
  async deleteForBatches(manager: EntityManager, batchUuids: ReadonlyArray<string>): Promise<void> {
    if (batchUuids.length) await manager.query(`DELETE FROM batch_profiles WHERE batch_id = ANY($1::uuid[])`, [batchUuids]);
  }

  /**
   * The batches committed in [start, end), by model version, each with its profile on
   * `baselineId`'s grid if it has one (null baseline: none). Read through the batches' commit-time
   * index: the cost grows with the number of batches, never with their rows. A batch's rows carry
   * its commit time (the same transaction's now(); moving a batch moves them, migration
   * 1765000000000), so these are exactly the window's rows.
   */
  windowBatches(manager: EntityManager, start: Date, end: Date, baselineId: string | null): Promise<WindowBatch[]> {
    return manager.query(
      `SELECT b.id AS "batchUuid", b.model_version AS "modelVersion", p.batch_id IS NOT NULL AS profiled
       FROM batches b LEFT JOIN batch_profiles p ON p.batch_id = b.id AND p.baseline_id = $3
       WHERE b.received_at >= $1 AND b.received_at < $2
       ORDER BY b.model_version, b.received_at, b.id`,
      [start, end, baselineId],
    );
  }
}
