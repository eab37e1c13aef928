import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../common/errors/domain-error';
import { Connection, decodeIdCursor, decodeNumberCursor, encodeCursor, pageSize, toConnection } from '../common/pagination/connection';
import { DriftQueryService } from '../drift/drift-query.service';
import { BatchEntity } from '../prediction-logs/entities/batch.entity';
import { Batch, IngestBatchPayload, Prediction, RiskLabelValue, ScoredWith } from './models/ingestion.models';

interface PredictionRow {
  row_index: number;
  customer_id: string;
  probability: number;
  risk_label: string;
}

/** Read side of ingestion: batches, their stored predictions, and idempotent replays. */
@Injectable()
export class BatchQueryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly driftQueries: DriftQueryService,
  ) {}

  findEntity(batchId: string): Promise<BatchEntity | null> {
    return this.dataSource.getRepository(BatchEntity).findOne({ where: { batchId } });
  }

  async getBatch(batchId: string): Promise<Batch> {
    const entity = await this.findEntity(batchId);
    if (!entity) throw new NotFoundError('Batch', batchId);
    return toBatch(entity);
  }

  /** The original ingestBatch result, rebuilt from the database for a replayed request. */
  async storedResult(batch: BatchEntity): Promise<Omit<IngestBatchPayload, 'replayed'>> {
    const rows: PredictionRow[] = await this.dataSource.query(
      `SELECT row_index, customer_id, probability, risk_label FROM prediction_logs WHERE batch_id = $1 ORDER BY row_index`,
      [batch.id],
    );
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
    const size = pageSize(first);
    const repo = this.dataSource.getRepository(BatchEntity);
    const query = repo.createQueryBuilder('b').orderBy('b.received_at', 'DESC').addOrderBy('b.id', 'DESC').limit(size + 1);
    if (after) {
      // The cursor holds only the id; its timestamp is read back at full (microsecond) precision.
      const id = decodeIdCursor(after);
      query.where('(b.received_at, b.id) < ((SELECT received_at FROM batches WHERE id = :id), :id)', { id });
    }
    const [rows, totalCount] = await Promise.all([query.getMany(), repo.count()]);
    return toConnection(rows, size, totalCount, (b) => encodeCursor([b.id]), toBatch);
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
    const rows: PredictionRow[] = await this.dataSource.query(
      `SELECT row_index, customer_id, probability, risk_label FROM prediction_logs
       WHERE batch_id = $1 AND row_index > $2 ORDER BY row_index LIMIT $3`,
      [batch.id, afterIndex, size + 1],
    );
    return toConnection(rows, size, batch.size, (r) => encodeCursor([r.row_index]), toPrediction);
  }
}

function toPrediction(row: PredictionRow): Prediction {
  return { customerId: row.customer_id, probability: row.probability, riskLabel: row.risk_label as RiskLabelValue };
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
