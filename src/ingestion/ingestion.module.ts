import { Module } from '@nestjs/common';
import { BaselinesModule } from '../baselines/baselines.module';
import { DriftModule } from '../drift/drift.module';
import { PerformanceModule } from '../performance/performance.module';
import { ScoringModule } from '../scoring/scoring.module';
import { BatchQueryService } from './batch-query.service';
import { IngestionResolver } from './ingestion.resolver';
import { IngestionService } from './ingestion.service';
import { PredictionLogWriter } from './prediction-log.writer';

@Module({
  imports: [ScoringModule, DriftModule, BaselinesModule, PerformanceModule],
  providers: [IngestionService, BatchQueryService, PredictionLogWriter, IngestionResolver],
  exports: [IngestionService],
})
export class IngestionModule {}
