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
import { ValidationPool } from './validation/validation.pool';
import { ValidationResolver } from './validation/validation.resolver';
import { ValidationService } from './validation/validation.service';
import { ValidationReportController } from './validation/validation-report.controller';

/**
 * Performance: late outcomes, realized metrics and the label-free (CBPE) estimate per batch and
 * per window, and the credit-risk validation report (rating grades, PD backtesting, discrimination)
 * with its validation-failure alert rule on each scheduled window. Called by ingestion and the
 * scheduled jobs; feeds alerts and retraining.
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
    ValidationPool,
    ValidationService,
    ValidationResolver,
  ],
  controllers: [ValidationReportController],
  exports: [PerformanceService, PerformanceQueryService, ValidationService],
})
export class PerformanceModule {}
