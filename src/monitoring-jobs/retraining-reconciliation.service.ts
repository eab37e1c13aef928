import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { tryNamedLockForTransaction } from '../database/advisory-locks';
import { DriftQueryService } from '../drift/drift-query.service';
import { RetrainingEventsService } from '../retraining/retraining-events.service';
import { ModelVersionsRepository } from '../scoring/model-versions.repository';

export const RECONCILE_LOCK = 'monitoring:retraining-reconciliation';

/**
 * Sustained drift -> retraining signal: when the last N WINDOW reports of one window kind for a
 * model version are all DRIFT, a DRIFT retraining event is raised (deduplicated by the open-event
 * index, so reconciling again changes nothing). INSUFFICIENT_DATA breaks the streak: too little
 * data is never evidence.
 */
@Injectable()
export class RetrainingReconciliationService {
  private readonly logger = new Logger('RetrainingReconciliation');

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly retraining: RetrainingEventsService,
    private readonly driftQueries: DriftQueryService,
    private readonly modelVersions: ModelVersionsRepository,
  ) {}

  /** The scheduled job: every configured window kind for the ACTIVE model, once across instances. */
  async reconcileAll(): Promise<{ acquired: boolean; raised: number }> {
    return this.dataSource.transaction(async (manager) => {
      if (!(await tryNamedLockForTransaction(manager, RECONCILE_LOCK))) return { acquired: false, raised: 0 };
      const active = await this.modelVersions.findActive(manager);
      let raised = 0;
      if (active) {
        for (const window of this.config.monitoringJobs.driftWindows) {
          if (await this.reconcile(manager, active.version, window.kind)) raised++;
        }
      }
      return { acquired: true, raised };
    });
  }

  /** Returns true when a new DRIFT event was raised. */
  async reconcile(manager: EntityManager, modelVersion: string, windowKind: string): Promise<boolean> {
    const needed = this.config.retraining.driftWindows;
    const recent = await this.driftQueries.recentWindowReports(manager, modelVersion, windowKind, needed);
    if (recent.length < needed || recent.some((r) => r.status !== 'DRIFT')) return false;
    const { created } = await this.retraining.raise(manager, {
      modelVersion,
      cause: 'DRIFT',
      reason: `significant drift in the last ${needed} ${windowKind} windows`,
      details: {
        windowKind,
        reportIds: recent.map((r) => r.id),
        windowEnds: recent.map((r) => r.windowEnd),
        driftedShares: recent.map((r) => r.driftedShare),
      },
    });
    if (created) this.logger.log({ msg: 'retraining signal raised', cause: 'DRIFT', modelVersion, windowKind });
    return created;
  }
}
