import { Module } from '@nestjs/common';
import { BaselinesModule } from '../baselines/baselines.module';
import { DriftQueryService } from './drift-query.service';
import { DriftReportController } from './drift-report.controller';
import { DriftReportListener } from './drift-report.listener';
import { DriftResolver } from './drift.resolver';
import { DriftService } from './drift.service';

@Module({
  imports: [BaselinesModule],
  controllers: [DriftReportController],
  providers: [DriftService, DriftQueryService, DriftResolver, DriftReportListener],
  exports: [DriftService, DriftQueryService],
})
export class DriftModule {}
