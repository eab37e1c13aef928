import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { modelFacts } from './model-facts';
import { computePerformance, OutcomeLabel, PerformanceFigures } from './performance-metrics';
import { PerformanceSignalsService } from './performance-signals.service';

export interface BatchPerformanceInput {
  batchUuid: string;
  modelVersion: string;
  probabilities: ArrayLike<number>;
  threshold: number;
  /** The scoring model's model-card ROC AUC (null for the fallback rules), from the loaded artifact. */
  cardRocAuc: number | null;
  /** Per record: the outcome sent with the batch, if any. */
  labels: ArrayLike<OutcomeLabel>;
}

export interface WindowPerformanceInput {
  modelVersion: string;
  windowKind: string;
  windowStart: Date;
  windowEnd: Date;
  probabilities: ArrayLike<number>;
  labels: ArrayLike<OutcomeLabel>;
}

/**
 * Writes realized and estimated performance per batch and per scheduled window, always in the
 * caller's transaction (ingestion, submitOutcomes, the window re-check), then publishes it.
 */
@Injectable()
export class PerformanceService {
  constructor(private readonly signals: PerformanceSignalsService) {}

  /** Called by ingestion inside the batch transaction, after drift. */
  async recordBatch(manager: EntityManager, input: BatchPerformanceInput): Promise<PerformanceFigures> {
    const figures = computePerformance(input.probabilities, input.labels, input.threshold);
    await this.upsertBatches(manager, [{ batchUuid: input.batchUuid, modelVersion: input.modelVersion, figures }]);
    // The model card's ROC AUC is the reference both realized and estimated figures are judged
    // against; ingestion has it in memory, so the registry is not read again per batch.
    const facts = { threshold: input.threshold, cardRocAuc: input.cardRocAuc };
    await this.signals.publish(manager, { modelVersion: input.modelVersion, scope: 'BATCH', batchUuid: input.batchUuid }, figures, facts);
    return figures;
  }

  /**
   * Recomputes batches from their stored rows (late outcomes arrived): one read for all of them,
   * one bulk upsert, and the batches' labelled counts refreshed.
   */
  async recomputeBatches(manager: EntityManager, batchUuids: string[]): Promise<void> {
    if (!batchUuids.length) return;
    const rows: Array<{ batch_id: string; model_version: string; probability: number; actual_default: boolean | null }> = await manager.query(
      `SELECT p.batch_id, b.model_version, p.probability, p.actual_default
       FROM prediction_logs p JOIN batches b ON b.id = p.batch_id
       WHERE p.batch_id = ANY($1::uuid[]) ORDER BY p.batch_id, p.row_index`,
      [batchUuids],
    );
    const grouped = new Map<string, { modelVersion: string; probabilities: number[]; labels: OutcomeLabel[] }>();
    for (const row of rows) {
      let group = grouped.get(row.batch_id);
      if (!group) grouped.set(row.batch_id, (group = { modelVersion: row.model_version, probabilities: [], labels: [] }));
      group.probabilities.push(row.probability);
      group.labels.push(row.actual_default);
    }
    const facts = await modelFacts(manager, [...new Set([...grouped.values()].map((g) => g.modelVersion))]);
    const computed = [...grouped].map(([batchUuid, g]) => ({
      batchUuid,
      modelVersion: g.modelVersion,
      figures: computePerformance(g.probabilities, g.labels, facts.get(g.modelVersion)!.threshold),
    }));
    await this.upsertBatches(manager, computed);
    await manager.query(
      `UPDATE batches b SET labelled_count = u.n FROM unnest($1::uuid[], $2::int[]) AS u(id, n) WHERE b.id = u.id`,
      [computed.map((c) => c.batchUuid), computed.map((c) => c.figures.labelledCount)],
    );
    for (const c of computed) {
      await this.signals.publish(manager, { modelVersion: c.modelVersion, scope: 'BATCH', batchUuid: c.batchUuid }, c.figures, facts.get(c.modelVersion)!);
    }
  }

  /**
   * One WINDOW row per (model, window kind, window end); returns null when this tick's row already
   * exists (another instance or an earlier run wrote it), so a double run publishes nothing twice.
   */
  async recordWindow(manager: EntityManager, input: WindowPerformanceInput): Promise<PerformanceFigures | null> {
    const facts = (await modelFacts(manager, [input.modelVersion])).get(input.modelVersion)!;
    const figures = computePerformance(input.probabilities, input.labels, facts.threshold);
    const inserted: unknown[] = await manager.query(
      `INSERT INTO performance_metrics (scope, model_version, window_kind, window_start, window_end, row_count, labelled_count, realized, estimated)
       VALUES ('WINDOW', $1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (model_version, window_kind, window_end) WHERE scope = 'WINDOW' DO NOTHING
       RETURNING id`,
      [
        input.modelVersion,
        input.windowKind,
        input.windowStart,
        input.windowEnd,
        figures.rowCount,
        figures.labelledCount,
        figures.realized ? JSON.stringify(figures.realized) : null,
        JSON.stringify(figures.estimated),
      ],
    );
    if (!inserted.length) return null;
    await this.signals.publish(
      manager,
      { modelVersion: input.modelVersion, scope: 'WINDOW', batchUuid: null, windowKind: input.windowKind, windowEnd: input.windowEnd },
      figures,
      facts,
    );
    return figures;
  }

  private async upsertBatches(manager: EntityManager, rows: Array<{ batchUuid: string; modelVersion: string; figures: PerformanceFigures }>): Promise<void> {
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
}
