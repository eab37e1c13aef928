import { Module } from '@nestjs/common';
import { BaselinesModule } from '../baselines/baselines.module';
import { DriftQueryService } from './drift-query.service';
import { DriftReportListener } from './drift-report.listener';
import { DriftResolver } from './drift.resolver';
import { DriftService } from './drift.service';

@Module({
  imports: [BaselinesModule],
  providers: [DriftService, DriftQueryService, DriftResolver, DriftReportListener],
  exports: [DriftService, DriftQueryService],
})
export class DriftModule {}
