import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { toColumns } from '../model/features';
import { BaselinesService } from '../baselines/baselines.service';
import { ScoringService } from '../scoring/scoring.service';
import { BatchQueryService } from './batch-query.service';
import { validateBatch } from './batch-validation';
import { summarizeDataQuality, supportOf } from './data-quality';
import { IngestBatchInput } from './dto/ingest-batch.input';
import { BatchEntity } from '../prediction-logs/entities/batch.entity';
import { BatchConflictError, ModelVersionMismatchError } from './ingestion.errors';
import { IngestBatchPayload, RiskLabelValue, ScoredWith } from './models/ingestion.models';
import { payloadHash } from './payload-hash';
import { checkedToDriftReport } from '../drift/drift-report.mapper';
import { DriftService } from '../drift/drift.service';
import { PerformanceService } from '../performance/performance.service';
import { PredictionLogWriter } from '../prediction-logs/prediction-log.writer';
import { PhaseTimer } from '../common/logging/phase-timer';
import { AuditService } from '../security/audit.service';
import type { Caller } from '../security/caller';

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
    private readonly writer: PredictionLogWriter,
    private readonly batches: BatchQueryService,
    private readonly drift: DriftService,
    private readonly baselines: BaselinesService,
    private readonly performance: PerformanceService,
    private readonly audit: AuditService,
  ) {}

  async ingest(input: IngestBatchInput, caller: Caller): Promise<IngestBatchPayload> {
    const phases = new PhaseTimer();
    validateBatch(input, { maxBatchSize: this.config.maxBatchSize, ...this.config.inputLimits });
    // Follows the registry's ACTIVE version, so a promotion switches scoring on every instance.
    const scorer = await this.scoring.refreshActive();
    const cardRocAuc = this.scoring.currentArtifact?.metrics.holdout?.rocAuc ?? null;
    if (input.modelVersion && input.modelVersion !== scorer.modelVersion) {
      throw new ModelVersionMismatchError(input.modelVersion, scorer.modelVersion);
    }
    const batchId = input.batchId ?? randomUUID();
    const columns = toColumns(input.records);
    const hash = payloadHash(input, columns);
    phases.mark('validate');

    // Fast path for retries: answer from what is stored without scoring again.
    const existing = await this.batches.findEntity(batchId);
    if (existing) return this.replay(existing, hash, caller);

    const scored = this.scoring.score(columns, scorer);
    // One read of the active baseline: data quality and the drift check judge against the same version.
    const baseline = await this.baselines.active();
    const quality = summarizeDataQuality(input.records, columns, supportOf(baseline));
    phases.mark('score');

    const outcome = await this.dataSource.transaction(async (manager) => {
      const batch = await this.insertBatchRow(manager, {
        batchId,
        payloadHash: hash,
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
      await this.writer.write(manager, {
        batchUuid: batch.id,
        records: input.records,
        columns,
        probabilities: scored.probabilities,
        riskLabels: scored.riskLabels,
        modelVersion: scored.modelVersion,
        scoredWith: scored.scoredWith,
      });
      phases.mark('write');
      const checked = await this.drift.checkBatch(manager, {
        batchUuid: batch.id,
        modelVersion: scored.modelVersion,
        baseline,
        columns,
        probabilities: scored.probabilities,
        dataQuality: quality.summary,
      });
      const drift = checked ? checkedToDriftReport(checked, 'BATCH', scored.modelVersion, batchId) : null;
      phases.mark('drift');
      await this.performance.recordBatch(manager, {
        batchUuid: batch.id,
        modelVersion: scored.modelVersion,
        probabilities: scored.probabilities,
        threshold: scored.threshold,
        cardRocAuc,
        labels: input.records.map((r) => r.actualDefault),
      });
      phases.mark('performance');
      await this.audit.record(manager, caller, {
        action: 'Mutation.ingestBatch',
        target: { batchId, batchUuid: batch.id },
        summary: { records: input.records.length, labelled: batch.labelledCount, modelVersion: scored.modelVersion, driftStatus: drift?.status ?? null },
      });
      return { batch, drift };
    });

    if (!outcome) {
      const winner = await this.batches.findEntity(batchId);
      if (!winner) throw new Error(`batch '${batchId}' vanished after a concurrent insert`);
      return this.replay(winner, hash, caller);
    }
    phases.mark('commit');
    this.logger.debug({ msg: 'batch ingested', batchId, size: input.records.length, phasesMs: phases.durations() });
    return {
      batchId,
      size: input.records.length,
      modelVersion: scored.modelVersion,
      scoredWith: scored.scoredWith as ScoredWith,
      predictions: input.records.map((record, i) => ({
        customerId: record.customerId,
        probability: scored.probabilities[i],
        riskLabel: scored.riskLabels[i] as RiskLabelValue,
      })),
      dataQuality: quality.summary,
      warnings: quality.warnings,
      performanceTracked: outcome.batch.labelledCount > 0,
      replayed: false,
      receivedAt: outcome.batch.receivedAt,
      drift: outcome.drift,
    };
  }

  private async insertBatchRow(
    manager: EntityManager,
    row: Omit<BatchEntity, 'id' | 'receivedAt' | 'driftReportId'>,
  ): Promise<{ id: string; receivedAt: Date; labelledCount: number } | null> {
    const inserted: Array<{ id: string; received_at: Date }> = await manager.query(
      `INSERT INTO batches (batch_id, payload_hash, model_version, scored_with, size, metadata, data_quality, warnings, labelled_count)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (batch_id) DO NOTHING
       RETURNING id, received_at`,
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
    return inserted.length ? { id: inserted[0].id, receivedAt: inserted[0].received_at, labelledCount: row.labelledCount } : null;
  }

  private async replay(batch: BatchEntity, hash: string, caller: Caller): Promise<IngestBatchPayload> {
    if (batch.payloadHash !== hash) throw new BatchConflictError(batch.batchId);
    await this.audit.record(this.dataSource.manager, caller, {
      action: 'Mutation.ingestBatch',
      target: { batchId: batch.batchId, batchUuid: batch.id },
      summary: { records: batch.size, replayed: true },
    });
    return { ...(await this.batches.storedResult(batch)), replayed: true };
  }
}
