import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { FeatureColumns } from '../model/features';
import { DriftReport } from './models/drift-report.model';

export interface BatchDriftInput {
  batchUuid: string;
  modelVersion: string;
  columns: FeatureColumns;
  probabilities: Float64Array;
}

/**
 * Per-batch drift check, run inside the ingestion transaction so the report commits with the
 * batch. Until the drift engine lands (issue 4) no baseline comparison exists and no report is
 * written: the payload's `drift` field is null.
 */
@Injectable()
export class DriftService {
  async checkBatch(_manager: EntityManager, _input: BatchDriftInput): Promise<DriftReport | null> {
    return null;
  }
}
