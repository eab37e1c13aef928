import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { BaselinesModule } from '../baselines/baselines.module';
import { DriftModule } from '../drift/drift.module';
import { PerformanceModule } from '../performance/performance.module';
import { PredictionLogsModule } from '../prediction-logs/prediction-logs.module';
import { RetrainingModule } from '../retraining/retraining.module';
import { ScoringModule } from '../scoring/scoring.module';
import { MonitoringJobsResolver } from './monitoring-jobs.resolver';
import { MonitoringSchedulerService } from './monitoring-scheduler.service';
import { RetrainingReconciliationService } from './retraining-reconciliation.service';
import { WindowCheckPool } from './window-check.pool';
import { WindowDriftCheckService } from './window-drift-check.service';

/**
 * Scheduled jobs (top of the module map): windowed drift re-checks and retraining
 * reconciliation. The only place ScheduleModule.forRoot() is registered.
 */
@Module({
  imports: [
    ScheduleModule.forRoot(),
    BaselinesModule,
    DriftModule,
    PerformanceModule,
    RetrainingModule,
    ScoringModule,
    PredictionLogsModule,
  ],
  providers: [
    WindowCheckPool,
    WindowDriftCheckService,
    RetrainingReconciliationService,
    MonitoringSchedulerService,
    MonitoringJobsResolver,
  ],
  exports: [WindowDriftCheckService],
})
export class MonitoringJobsModule {}
