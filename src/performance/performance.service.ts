import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { NumericColumnSketch } from '../drift-engine/sketch';
import { BatchesRepository } from '../prediction-logs/batches.repository';
import { PredictionLogsRepository } from '../prediction-logs/prediction-logs.repository';
import { ModelFacts, ModelVersionsRepository } from '../scoring/model-versions.repository';
import { computePerformance, OutcomeLabel, PerformanceFigures, performanceFromSums } from './performance-metrics';
import { PerformanceMetricsRepository } from './performance-metrics.repository';
import { PerformanceSignalsService } from './performance-signals.service';
import { ValidationService } from './validation/validation.service';

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
  /** The window's merged prediction-column sketch (every scored row, with its score sums). */
  prediction: NumericColumnSketch;
}

/**
 * Writes realized and estimated performance per batch and per scheduled window, always in the
 * caller's transaction (ingestion, submitOutcomes, the window re-check), then publishes it.
 */
@Injectable()
export class PerformanceService {
  constructor(
    private readonly signals: PerformanceSignalsService,
    private readonly metrics: PerformanceMetricsRepository,
    private readonly modelVersions: ModelVersionsRepository,
    private readonly batches: BatchesRepository,
    private readonly predictionLogs: PredictionLogsRepository,
    private readonly validation: ValidationService,
  ) {}

  /** Called by ingestion inside the batch transaction, after drift. */
  async recordBatch(manager: EntityManager, input: BatchPerformanceInput): Promise<PerformanceFigures> {
    const figures = computePerformance(input.probabilities, input.labels, input.threshold);
    await this.metrics.upsertBatches(manager, [{ batchUuid: input.batchUuid, modelVersion: input.modelVersion, figures }]);
    // The model card's ROC AUC is the reference both realized and estimated figures are judged
    // against; ingestion has it in memory, so the registry is not read again per batch.
    const facts = { threshold: input.threshold, cardRocAuc: input.cardRocAuc, logOddsWeights: null, masterScale: null };
    await this.signals.publish(manager, { modelVersion: input.modelVersion, scope: 'BATCH', batchUuid: input.batchUuid }, figures, facts);
    return figures;
  }

  /**
   * Recomputes batches from their stored rows (late outcomes arrived): one read for all of them,
   * one bulk upsert, and the batches' labelled counts refreshed.
   */
  async recomputeBatches(manager: EntityManager, batchUuids: string[]): Promise<void> {
    if (!batchUuids.length) return;
    const rows = await this.predictionLogs.batchScores(manager, batchUuids);
    const grouped = new Map<string, { modelVersion: string; probabilities: number[]; labels: OutcomeLabel[] }>();
    for (const row of rows) {
      let group = grouped.get(row.batchUuid);
      if (!group) grouped.set(row.batchUuid, (group = { modelVersion: row.modelVersion, probabilities: [], labels: [] }));
      group.probabilities.push(row.probability);
      group.labels.push(row.actualDefault);
    }
    const facts = await this.modelVersions.modelFacts(manager, [...new Set([...grouped.values()].map((g) => g.modelVersion))]);
    const computed = [...grouped].map(([batchUuid, g]) => ({
      batchUuid,
      modelVersion: g.modelVersion,
      figures: computePerformance(g.probabilities, g.labels, facts.get(g.modelVersion)!.threshold),
    }));
    await this.metrics.upsertBatches(manager, computed);
    await this.batches.setLabelledCounts(
      manager,
      computed.map((c) => ({ batchUuid: c.batchUuid, labelledCount: c.figures.labelledCount })),
    );
    for (const c of computed) {
      await this.signals.publish(
        manager,
        { modelVersion: c.modelVersion, scope: 'BATCH', batchUuid: c.batchUuid },
        c.figures,
        facts.get(c.modelVersion)!,
      );
    }
  }

  /** The decision threshold of a model version (what its batches' score sums were taken at). */
  async thresholdOf(manager: EntityManager, modelVersion: string): Promise<number> {
    return (await this.modelFactsOf(manager, modelVersion)).threshold;
  }

  /** Threshold, model-card AUC and log-odds weights of a model version (fallback values when unknown). */
  async modelFactsOf(manager: EntityManager, modelVersion: string): Promise<ModelFacts> {
    return (await this.modelVersions.modelFacts(manager, [modelVersion])).get(modelVersion)!;
  }

  /**
   * One WINDOW row per (model, window kind, window end); returns null when this tick's row already
   * exists (another instance or an earlier run wrote it), so a double run publishes nothing twice.
   */
  async recordWindow(manager: EntityManager, input: WindowPerformanceInput): Promise<PerformanceFigures | null> {
    const facts = (await this.modelVersions.modelFacts(manager, [input.modelVersion])).get(input.modelVersion)!;
    const { modelVersion, windowKind, windowStart, windowEnd } = input;
    const outcomes = await this.predictionLogs.windowOutcomeSums(
      manager,
      { modelVersion, start: windowStart, end: windowEnd },
      facts.threshold,
    );
    const figures = performanceFromSums(input.prediction, outcomes);
    const written = await this.metrics.insertWindowOnce(manager, { modelVersion, windowKind, windowStart, windowEnd, figures });
    if (!written) return null;
    await this.signals.publish(
      manager,
      { modelVersion: input.modelVersion, scope: 'WINDOW', batchUuid: null, windowKind: input.windowKind, windowEnd: input.windowEnd },
      figures,
      facts,
    );
    // The credit validation tests on the window's labelled rows, for the VALIDATION_FAILURE rule.
    await this.validation.evaluateWindow(manager, input, facts);
    return figures;
  }
}
