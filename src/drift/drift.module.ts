import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlertsModule } from '../alerts/alerts.module';
import { BaselinesModule } from '../baselines/baselines.module';
import { PredictionLogsModule } from '../prediction-logs/prediction-logs.module';
import { DriftResolver } from './drift.resolver';
import { DriftService } from './drift.service';
import { DriftQueryService } from './drift-query.service';
import { DriftReportController } from './drift-report.controller';
import { DriftReportsRepository } from './drift-reports.repository';
import { DriftReportEntity } from './entities/drift-report.entity';
import { FeatureDriftMetricEntity } from './entities/feature-drift-metric.entity';

@Module({
  imports: [TypeOrmModule.forFeature([DriftReportEntity, FeatureDriftMetricEntity]), BaselinesModule, AlertsModule, PredictionLogsModule],
  controllers: [DriftReportController],
  providers: [DriftReportsRepository, DriftService, DriftQueryService, DriftResolver],
  exports: [DriftService, DriftQueryService],
})
export class DriftModule {}
