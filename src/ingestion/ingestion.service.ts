import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { ActiveBaseline, BaselinesService } from '../baselines/baselines.service';
import { PhaseTimer } from '../common/logging/phase-timer';
import { AppConfig } from '../config/app-config';
import { DriftService } from '../drift/drift.service';
import { checkedToDriftReport } from '../drift/drift-report.mapper';
import { DriftReport } from '../drift/models/drift-report.model';
import { baselineColumns } from '../drift-engine/baseline-columns';
import { withMultivariateColumn } from '../drift-engine/multivariate';
import { encodeSketch, sketchColumns } from '../drift-engine/sketch';
import { MetricsService } from '../metrics/metrics.service';
import { FeatureColumns, toColumns } from '../model/features';
import { Scorer } from '../model/scorer';
import { PerformanceService } from '../performance/performance.service';
import { BatchProfilesRepository } from '../prediction-logs/batch-profiles.repository';
import { BatchesRepository, InsertedBatch } from '../prediction-logs/batches.repository';
import { BatchEntity } from '../prediction-logs/entities/batch.entity';
import { PredictionLogsRepository } from '../prediction-logs/prediction-logs.repository';
import { ScoredBatch, ScoringService } from '../scoring/scoring.service';
import { AuditService } from '../security/audit.service';
import type { Caller } from '../security/caller';
import { BatchQueryService } from './batch-query.service';
import { validateBatch } from './batch-validation';
import { DataQualityResult, summarizeDataQuality, supportOf } from './data-quality';
import { IngestBatchInput } from './dto/ingest-batch.input';
import { BatchConflictError, ModelVersionMismatchError } from './ingestion.errors';
import { IngestBatchPayload, RiskLabelValue, ScoredWith } from './models/ingestion.models';
import { payloadHash } from './payload-hash';

/** A validated request: its idempotency key, columns and payload hash, and the scorer it gets. */
interface PreparedBatch {
  batchId: string;
  columns: FeatureColumns;
  hash: string;
  scorer: Scorer;
  cardRocAuc: number | null;
}

/** What is computed before the transaction: the scores and the data quality against the active baseline. */
interface JudgedBatch {
  scored: ScoredBatch;
  baseline: ActiveBaseline | null;
  quality: DataQualityResult;
  /** The batch's encoded sketch (src/drift-engine/sketch.ts); null without a baseline. */
  profile: Buffer | null;
  /**
   * The columns as the drift engine reads them (inputs, prediction and, when the baseline has a
   * multivariate model, each row's reconstruction error), derived once for the sketch and the check.
   */
  engineColumns: Readonly<Record<string, Float64Array>> | null;
}

/** What the transaction stored (null from it: a concurrent request stored this batchId first). */
interface StoredBatch {
  batch: InsertedBatch;
  drift: DriftReport | null;
}

/**
 * The ingestBatch use case: validate, score, then write the batch, its prediction logs and
 * everything derived from them in one transaction. The response is built only after COMMIT.
 */
@Injectable()
export class IngestionService {
  private readonly logger = new Logger(IngestionService.name);

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scoring: ScoringService,
    private readonly batches: BatchesRepository,
    private readonly predictionLogs: PredictionLogsRepository,
    private readonly batchProfiles: BatchProfilesRepository,
    private readonly batchQueries: BatchQueryService,
    private readonly drift: DriftService,
    private readonly baselines: BaselinesService,
    private readonly performance: PerformanceService,
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
  ) {}

  /** One ingestBatch, counted and timed by outcome once it is answered (success and replay after COMMIT). */
  async ingest(input: IngestBatchInput, caller: Caller): Promise<IngestBatchPayload> {
    const started = performance.now();
    const records = input.records.length;
    try {
      const payload = await this.ingestBatch(input, caller);
      this.metrics.recordIngest(payload.replayed ? 'replayed' : 'success', records, (performance.now() - started) / 1000);
      return payload;
    } catch (error) {
      this.metrics.recordIngest(MetricsService.failureOutcome(error), records, (performance.now() - started) / 1000);
      throw error;
    }
  }

  private async ingestBatch(input: IngestBatchInput, caller: Caller): Promise<IngestBatchPayload> {
    const phases = new PhaseTimer();
    const prepared = await this.prepare(input);
    phases.mark('validate');

    // Fast path for retries: answer from what is stored without scoring again.
    const existing = await this.batchQueries.findEntity(prepared.batchId);
    if (existing) return this.replay(existing, prepared.hash, caller);

    const judged = await this.scoreAndJudge(input, prepared);
    phases.mark('score');

    const stored = await this.dataSource.transaction((manager) => this.store(manager, input, prepared, judged, caller, phases));
    if (!stored) return this.replayWinner(prepared, caller);
    phases.mark('commit');
    this.logger.debug({ msg: 'batch ingested', batchId: prepared.batchId, size: input.records.length, phasesMs: phases.durations() });
    return this.payload(input, prepared, judged, stored);
  }

  private async prepare(input: IngestBatchInput): Promise<PreparedBatch> {
    validateBatch(input, { maxBatchSize: this.config.maxBatchSize, ...this.config.inputLimits });
    // Follows the registry's ACTIVE version, so a promotion switches scoring on every instance.
    const scorer = await this.scoring.activeScorer();
    const cardRocAuc = this.scoring.currentArtifact?.metrics.holdout?.rocAuc ?? null;
    if (input.modelVersion && input.modelVersion !== scorer.modelVersion) {
      throw new ModelVersionMismatchError(input.modelVersion, scorer.modelVersion);
    }
    const batchId = input.batchId ?? randomUUID();
    const columns = toColumns(input.records);
    return { batchId, columns, hash: payloadHash(input, columns), scorer, cardRocAuc };
  }

  private async scoreAndJudge(input: IngestBatchInput, prepared: PreparedBatch): Promise<JudgedBatch> {
    const scored = this.scoring.score(prepared.columns, prepared.scorer);
    // One read of the active baseline: data quality and the drift check judge against the same version.
    const baseline = await this.baselines.active();
    const quality = summarizeDataQuality(input.records, prepared.columns, supportOf(baseline));
    // The batch's mergeable profile on the baseline's grid: what window checks read instead of its rows.
    const engineColumns = baseline
      ? withMultivariateColumn(baseline.profile, baselineColumns(prepared.columns, scored.probabilities))
      : null;
    const profile =
      baseline && engineColumns ? encodeSketch(sketchColumns(baseline.profile, baseline.id, engineColumns, scored.threshold)) : null;
    return { scored, baseline, quality, profile, engineColumns };
  }

  /** The batch transaction: batch row, prediction logs, drift, performance and audit, all or nothing. */
  private async store(
    manager: EntityManager,
    input: IngestBatchInput,
    prepared: PreparedBatch,
    judged: JudgedBatch,
    caller: Caller,
    phases: PhaseTimer,
  ): Promise<StoredBatch | null> {
    const { scored, quality } = judged;
    const batch = await this.batches.insertIfAbsent(manager, {
      batchId: prepared.batchId,
      payloadHash: prepared.hash,
      modelVersion: scored.modelVersion,
      scoredWith: scored.scoredWith,
      size: input.records.length,
      metadata: input.metadata ?? null,
      dataQuality: quality.summary,
      warnings: quality.warnings,
      labelledCount: quality.summary.rowCount - quality.summary.missingValues,
    });
    // Another request (possibly on another instance) committed this batchId first: the unique
    // index made our INSERT wait for it, then do nothing.
    if (!batch) return null;
    await this.predictionLogs.write(manager, {
      batchUuid: batch.id,
      records: input.records,
      columns: prepared.columns,
      probabilities: scored.probabilities,
      riskLabels: scored.riskLabels,
      grades: scored.grades,
      modelVersion: scored.modelVersion,
      scoredWith: scored.scoredWith,
    });
    if (judged.profile && judged.baseline) {
      await this.batchProfiles.insert(manager, {
        batchUuid: batch.id,
        baselineId: judged.baseline.id,
        rowCount: input.records.length,
        sketch: judged.profile,
      });
    }
    phases.mark('write');
    const drift = await this.checkDrift(manager, prepared, judged, batch.id);
    phases.mark('drift');
    await this.performance.recordBatch(manager, {
      batchUuid: batch.id,
      modelVersion: scored.modelVersion,
      probabilities: scored.probabilities,
      threshold: scored.threshold,
      cardRocAuc: prepared.cardRocAuc,
      labels: input.records.map((r) => r.actualDefault),
    });
    phases.mark('performance');
    await this.audit.record(manager, caller, {
      action: 'Mutation.ingestBatch',
      target: { batchId: prepared.batchId, batchUuid: batch.id },
      summary: {
        records: input.records.length,
        labelled: batch.labelledCount,
        modelVersion: scored.modelVersion,
        driftStatus: drift?.status ?? null,
      },
    });
    return { batch, drift };
  }

  /** Drift computes and stores its report; linking the batch to it is the batch owner's write. */
  private async checkDrift(
    manager: EntityManager,
    prepared: PreparedBatch,
    judged: JudgedBatch,
    batchUuid: string,
  ): Promise<DriftReport | null> {
    const { scored } = judged;
    const checked = await this.drift.checkBatch(manager, {
      batchUuid,
      modelVersion: scored.modelVersion,
      baseline: judged.baseline,
      columns: prepared.columns,
      probabilities: scored.probabilities,
      dataQuality: judged.quality.summary,
      logOddsWeights: scored.logOddsWeights,
      masterScale: prepared.scorer.masterScale,
      engineColumns: judged.engineColumns ?? undefined,
    });
    if (!checked) return null;
    await this.batches.setDriftReport(manager, batchUuid, checked.id);
    return checkedToDriftReport(checked, 'BATCH', scored.modelVersion, prepared.batchId);
  }

  /** A concurrent request committed this batchId first: answer as its replay. */
  private async replayWinner(prepared: PreparedBatch, caller: Caller): Promise<IngestBatchPayload> {
    const winner = await this.batchQueries.findEntity(prepared.batchId);
    if (!winner) throw new Error(`batch '${prepared.batchId}' vanished after a concurrent insert`);
    return this.replay(winner, prepared.hash, caller);
  }

  /** The response, built after COMMIT from what this request computed. */
  private payload(input: IngestBatchInput, prepared: PreparedBatch, judged: JudgedBatch, stored: StoredBatch): IngestBatchPayload {
    const { scored, quality } = judged;
    return {
      batchId: prepared.batchId,
      size: input.records.length,
      modelVersion: scored.modelVersion,
      scoredWith: scored.scoredWith as ScoredWith,
      predictions: input.records.map((record, i) => ({
        customerId: record.customerId,
        probability: scored.probabilities[i],
        riskLabel: scored.riskLabels[i] as RiskLabelValue,
        grade: scored.grades[i],
      })),
      dataQuality: quality.summary,
      warnings: quality.warnings,
      performanceTracked: stored.batch.labelledCount > 0,
      replayed: false,
      receivedAt: stored.batch.receivedAt,
      drift: stored.drift,
    };
  }

  private async replay(batch: BatchEntity, hash: string, caller: Caller): Promise<IngestBatchPayload> {
    if (batch.payloadHash !== hash) throw new BatchConflictError(batch.batchId);
    await this.audit.record(this.dataSource.manager, caller, {
      action: 'Mutation.ingestBatch',
      target: { batchId: batch.batchId, batchUuid: batch.id },
      summary: { records: batch.size, replayed: true },
    });
    return { ...(await this.batchQueries.storedResult(batch)), replayed: true };
  }
}
