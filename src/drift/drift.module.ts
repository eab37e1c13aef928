import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { BaselinesModule } from '../baselines/baselines.module';
import { DriftQueryService } from './drift-query.service';
import { DriftReportController } from './drift-report.controller';
import { DriftResolver } from './drift.resolver';
import { DriftService } from './drift.service';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DriftReportEntity } from './entities/drift-report.entity';
import { FeatureDriftMetricEntity } from './entities/feature-drift-metric.entity';

@Module({
  imports: [TypeOrmModule.forFeature([DriftReportEntity, FeatureDriftMetricEntity]), BaselinesModule, AlertsModule],
  controllers: [DriftReportController],
  providers: [DriftService, DriftQueryService, DriftResolver],
  exports: [DriftService, DriftQueryService],
})
export class DriftModule {}
