import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/errors/domain-error';
import { Connection, decodeNumberCursor, encodeCursor, pageSize, toConnection } from '../common/pagination/connection';
import { DriftQueryService } from '../drift/drift-query.service';
import { BatchesRepository } from '../prediction-logs/batches.repository';
import { BatchEntity } from '../prediction-logs/entities/batch.entity';
import { PredictionLogsRepository, StoredPrediction } from '../prediction-logs/prediction-logs.repository';
import { Batch, IngestBatchPayload, Prediction, RiskLabelValue, ScoredWith } from './models/ingestion.models';

/** Read side of ingestion: batches, their stored predictions, and idempotent replays. */
@Injectable()
export class BatchQueryService {
  constructor(
    private readonly batches: BatchesRepository,
    private readonly predictionLogs: PredictionLogsRepository,
    private readonly driftQueries: DriftQueryService,
  ) {}

  findEntity(batchId: string): Promise<BatchEntity | null> {
    return this.batches.findByKey(batchId);
  }

  async getBatch(batchId: string): Promise<Batch> {
    const entity = await this.findEntity(batchId);
    if (!entity) throw new NotFoundError('Batch', batchId);
    return toBatch(entity);
  }

  /** The original ingestBatch result, rebuilt from the database for a replayed request. */
  async storedResult(batch: BatchEntity): Promise<Omit<IngestBatchPayload, 'replayed'>> {
    const rows = await this.predictionLogs.predictionsOf(batch.id);
    return {
      batchId: batch.batchId,
      size: batch.size,
      modelVersion: batch.modelVersion,
      scoredWith: batch.scoredWith as ScoredWith,
      predictions: rows.map(toPrediction),
      dataQuality: { outOfSupportValues: 0, ...batch.dataQuality },
      warnings: batch.warnings,
      performanceTracked: batch.labelledCount > 0,
      receivedAt: batch.receivedAt,
      drift: batch.driftReportId ? await this.driftQueries.report(batch.driftReportId) : null,
    };
  }

  async listBatches(first: number | null | undefined, after: string | null | undefined): Promise<Connection<Batch>> {
    const page = await this.batches.newestFirst(first, after);
    return toConnection(page.rows, page.size, page.totalCount, (b) => encodeCursor([b.id]), toBatch);
  }

  async listPredictions(
    batchId: string,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<Connection<Prediction>> {
    const batch = await this.findEntity(batchId);
    if (!batch) throw new NotFoundError('Batch', batchId);
    const size = pageSize(first, 100);
    const afterIndex = after ? decodeNumberCursor(after) : -1;
    const rows = await this.predictionLogs.predictionsPage(batch.id, afterIndex, size + 1);
    return toConnection(rows, size, batch.size, (r) => encodeCursor([r.rowIndex]), toPrediction);
  }
}

function toPrediction(row: StoredPrediction): Prediction {
  return { customerId: row.customerId, probability: row.probability, riskLabel: row.riskLabel as RiskLabelValue, grade: row.grade };
}

function toBatch(entity: BatchEntity): Batch {
  return {
    id: entity.id,
    batchId: entity.batchId,
    size: entity.size,
    modelVersion: entity.modelVersion,
    scoredWith: entity.scoredWith as ScoredWith,
    metadata: entity.metadata,
    dataQuality: { outOfSupportValues: 0, ...entity.dataQuality },
    warnings: entity.warnings,
    performanceTracked: entity.labelledCount > 0,
    labelledCount: entity.labelledCount,
    receivedAt: entity.receivedAt,
    driftReportId: entity.driftReportId,
  };
}
