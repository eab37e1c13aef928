import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { RetrainingModule } from '../retraining/retraining.module';
import { OutcomesService } from './outcomes.service';
import { PerformanceQueryService } from './performance-query.service';
import { PerformanceSignalsService } from './performance-signals.service';
import { PerformanceResolver } from './performance.resolver';
import { PerformanceService } from './performance.service';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PerformanceMetricEntity } from './entities/performance-metric.entity';

/**
 * Performance: late outcomes, realized metrics and the label-free (CBPE) estimate per batch and
 * per window. Called by ingestion and the scheduled jobs; feeds alerts and retraining.
 */
@Module({
  imports: [TypeOrmModule.forFeature([PerformanceMetricEntity]), AlertsModule, RetrainingModule],
  providers: [PerformanceService, PerformanceSignalsService, OutcomesService, PerformanceQueryService, PerformanceResolver],
  exports: [PerformanceService, PerformanceQueryService],
})
export class PerformanceModule {}
