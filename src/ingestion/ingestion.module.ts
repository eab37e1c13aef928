import { Module } from '@nestjs/common';
import { BaselinesModule } from '../baselines/baselines.module';
import { DriftModule } from '../drift/drift.module';
import { PerformanceModule } from '../performance/performance.module';
import { PredictionLogsModule } from '../prediction-logs/prediction-logs.module';
import { ScoringModule } from '../scoring/scoring.module';
import { BatchQueryService } from './batch-query.service';
import { IngestionResolver } from './ingestion.resolver';
import { IngestionService } from './ingestion.service';

@Module({
  imports: [ScoringModule, PredictionLogsModule, DriftModule, BaselinesModule, PerformanceModule],
  providers: [IngestionService, BatchQueryService, IngestionResolver],
  exports: [IngestionService],
})
export class IngestionModule {}
