import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** What deleting one customer's logged predictions removed from one batch. */
export interface ErasedBatchRows {
  batchUuid: string;
  /** Logged predictions deleted (features, score and outcome). */
  rows: number;
  /** Of those, rows that carried an outcome (actual_default). */
  outcomes: number;
}

/** A batch whose caller-chosen key or metadata contain some text (free-form fields an erasure must check). */
export interface BatchTextFields {
  id: string;
  batchId: string;
  metadata: Record<string, unknown> | null;
}

/**
 * The ledger's part of a customer erasure (eraseCustomerData, src/privacy), in the caller's
 * transaction: the customer's rows leave prediction_logs, and batch records that could still
 * point at them are anonymised. Aggregates on the batches (size, labelled count, data quality,
 * drift report link) are kept as they were: they describe what was observed, not the person.
 * Kept apart from PredictionLogsRepository, which serves the normal read and write paths.
 */
@Injectable()
export class LedgerErasureRepository {
  /**
   * Deletes every logged prediction of the customer, outcomes included (they live on those
   * rows), in whichever partition; returns the counts per batch. Uses prediction_logs_customer on
   * every partition (a customer's rows are not confined to a time range).
   */
  deletePredictions(manager: EntityManager, customerId: string): Promise<ErasedBatchRows[]> {
    return manager.query(
      `WITH erased AS (DELETE FROM prediction_logs WHERE customer_id = $1 RETURNING batch_id, actual_default)
       SELECT batch_id::text AS "batchUuid", count(*)::int AS rows, count(actual_default)::int AS outcomes
       FROM erased GROUP BY batch_id ORDER BY batch_id`,
      [customerId],
    );
  }

  /** Batches whose key or metadata contain `text` (metadata searched as JSON text), locked until COMMIT. */
  batchesMentioning(manager: EntityManager, text: string, jsonText: string): Promise<BatchTextFields[]> {
    return manager.query(
      `SELECT id, batch_id AS "batchId", metadata FROM batches
       WHERE strpos(batch_id, $1) > 0 OR strpos(coalesce(metadata::text, ''), $2) > 0
       ORDER BY id FOR UPDATE`,
      [text, jsonText],
    );
  }

  /** Rewrites batch keys and metadata (the redacted forms of what batchesMentioning returned). */
  async rewriteBatchText(manager: EntityManager, rows: ReadonlyArray<BatchTextFields>): Promise<void> {
    if (!rows.length) return;
    await manager.query(
      `UPDATE batches b SET batch_id = u.batch_id, metadata = u.metadata
       FROM jsonb_to_recordset($1::jsonb) AS u(id uuid, batch_id text, metadata jsonb) WHERE b.id = u.id`,
      [JSON.stringify(rows.map((r) => ({ id: r.id, batch_id: r.batchId, metadata: r.metadata })))],
    );
  }

  /**
   * Replaces the payload fingerprints of these batches (a SHA-256 over their records, customer
   * ids included) with `marker`. A replay of such a batch can no longer be answered with its
   * original result, so it is a CONFLICT rather than a partial answer. Returns the batches' keys.
   */
  async voidFingerprints(manager: EntityManager, batchUuids: ReadonlyArray<string>, marker: string): Promise<Map<string, string>> {
    if (!batchUuids.length) return new Map();
    const rows: Array<{ id: string; batchId: string }> = await manager.query(
      // Wrapped in a SELECT: TypeORM answers a bare UPDATE ... RETURNING as [rows, count].
      `WITH voided AS (UPDATE batches SET payload_hash = $2 WHERE id = ANY($1::uuid[]) RETURNING id, batch_id)
       SELECT id::text AS id, batch_id AS "batchId" FROM voided`,
      [batchUuids, marker],
    );
    return new Map(rows.map((r) => [r.id, r.batchId]));
  }
}
