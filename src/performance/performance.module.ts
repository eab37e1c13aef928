import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlertsModule } from '../alerts/alerts.module';
import { PredictionLogsModule } from '../prediction-logs/prediction-logs.module';
import { RetrainingModule } from '../retraining/retraining.module';
import { ScoringModule } from '../scoring/scoring.module';
import { PerformanceMetricEntity } from './entities/performance-metric.entity';
import { OutcomesService } from './outcomes.service';
import { PerformanceResolver } from './performance.resolver';
import { PerformanceService } from './performance.service';
import { PerformanceMetricsRepository } from './performance-metrics.repository';
import { PerformanceQueryService } from './performance-query.service';
import { PerformanceSignalsService } from './performance-signals.service';

/**
 * Performance: late outcomes, realized metrics and the label-free (CBPE) estimate per batch and
 * per window. Called by ingestion and the scheduled jobs; feeds alerts and retraining.
 */
@Module({
  imports: [TypeOrmModule.forFeature([PerformanceMetricEntity]), AlertsModule, RetrainingModule, ScoringModule, PredictionLogsModule],
  providers: [
    PerformanceMetricsRepository,
    PerformanceService,
    PerformanceSignalsService,
    OutcomesService,
    PerformanceQueryService,
    PerformanceResolver,
  ],
  exports: [PerformanceService, PerformanceQueryService],
})
export class PerformanceModule {}
