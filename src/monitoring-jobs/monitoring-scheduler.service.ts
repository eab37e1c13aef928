import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { AppConfig } from '../config/app-config';
import { PredictionLogPartitionsService } from '../prediction-logs/prediction-log-partitions.service';
import { RetrainingReconciliationService } from './retraining-reconciliation.service';
import { WindowDriftCheckService } from './window-drift-check.service';

/**
 * Registers the cron jobs from configuration (decorators cannot read injected config). Every
 * instance schedules them; the jobs themselves make sure one tick does its work once. A failed
 * tick is logged and the next tick tries again: a job must never take the process down.
 */
@Injectable()
export class MonitoringSchedulerService implements OnApplicationBootstrap {
  private readonly logger = new Logger('MonitoringJobs');

  constructor(
    private readonly config: AppConfig,
    private readonly registry: SchedulerRegistry,
    private readonly windows: WindowDriftCheckService,
    private readonly reconciliation: RetrainingReconciliationService,
    private readonly partitions: PredictionLogPartitionsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const jobs = this.config.monitoringJobs;
    if (!jobs.enabled) {
      this.logger.log({ msg: 'scheduled monitoring jobs disabled by configuration' });
      return;
    }
    for (const window of jobs.driftWindows.filter((w) => w.enabled)) {
      this.schedule(`drift-window:${window.kind}`, window.cron, async () => {
        // The tick time, not "now" at the end of a slow run, decides the window end.
        const tick = new Date();
        await this.windows.run(window.kind, null, tick);
      });
    }
    if (jobs.reconcileEnabled) this.schedule('retraining-reconciliation', jobs.reconcileCron, () => this.reconciliation.reconcileAll());
    const maintenance = (): Promise<unknown> => this.partitions.maintain(new Date());
    this.schedule('prediction-log-partitions', this.config.predictionLogs.maintenanceCron, maintenance);
    // Once before the instance serves, so a start after a long pause (months without a run)
    // finds its partitions in place; the other instances starting meanwhile skip it (lock).
    try {
      await maintenance();
    } catch (error) {
      this.logger.error({ msg: 'prediction_logs partition maintenance failed at start-up', error: String(error) });
    }
  }

  private schedule(name: string, cron: string, work: () => Promise<unknown>): void {
    const job = CronJob.from({
      cronTime: cron,
      timeZone: 'UTC',
      // Overlapping ticks of one job on one instance would only contend for the same lock.
      waitForCompletion: true,
      onTick: async () => {
        try {
          await work();
        } catch (error) {
          this.logger.error({ msg: 'scheduled job failed', job: name, error: String(error), stack: (error as Error)?.stack });
        }
      },
    });
    this.registry.addCronJob(name, job);
    job.start();
    this.logger.log({ msg: 'scheduled job registered', job: name, cron });
  }
}
