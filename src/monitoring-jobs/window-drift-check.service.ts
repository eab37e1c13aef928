import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig, DriftWindowConfig } from '../config/app-config';
import { tryNamedLockForTransaction } from '../database/advisory-locks';
import { DriftService } from '../drift/drift.service';
import { DriftQueryService } from '../drift/drift-query.service';
import { MetricsService } from '../metrics/metrics.service';
import { PerformanceService } from '../performance/performance.service';
import { PredictionLogsRepository } from '../prediction-logs/prediction-logs.repository';
import { AuditService } from '../security/audit.service';
import type { Caller } from '../security/caller';
import { DriftCheckRun } from './models/drift-check-run.model';
import { UnknownWindowError } from './monitoring-jobs.errors';
import { RetrainingReconciliationService } from './retraining-reconciliation.service';
import { alignWindowEnd, WindowBounds, windowBounds } from './window-clock';

interface RunOutcome {
  acquired: boolean;
  checked: string[];
  already: string[];
  reportIds: string[];
}

/**
 * The windowed drift re-check: pools every row scored in the window (per model version), writes
 * a WINDOW drift report and WINDOW performance, feeds the alert rules (including their
 * clear-check bookkeeping for auto-resolve) and reconciles retraining signals — all in one
 * transaction. Runs once per (window kind, window end) across instances: a transaction-level
 * advisory lock keeps concurrent runs apart and the unique (model, window kind, window end)
 * indexes make a repeated run change nothing.
 */
@Injectable()
export class WindowDriftCheckService {
  private readonly logger = new Logger('WindowDriftCheck');

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly drift: DriftService,
    private readonly driftQueries: DriftQueryService,
    private readonly performance: PerformanceService,
    private readonly predictionLogs: PredictionLogsRepository,
    private readonly reconciliation: RetrainingReconciliationService,
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
  ) {}

  windowConfig(kind: string): DriftWindowConfig {
    const window = this.config.monitoringJobs.driftWindows.find((w) => w.kind === kind);
    if (!window)
      throw new UnknownWindowError(
        kind,
        this.config.monitoringJobs.driftWindows.map((w) => w.kind),
      );
    return window;
  }

  /**
   * @param windowEnd explicit end (tests, backfills); default: `at` floored to the alignment.
   * @param caller who asked (runDriftCheck); scheduled runs have none and are not audited.
   */
  async run(kind: string, windowEnd?: Date | null, at: Date = new Date(), caller?: Caller): Promise<DriftCheckRun> {
    const window = this.windowConfig(kind);
    const bounds = windowBounds(windowEnd ?? alignWindowEnd(at, window.alignMinutes), window.lengthMinutes);
    const started = performance.now();
    let outcome: RunOutcome;
    try {
      outcome = await this.dataSource.transaction(async (manager) => {
        const result = await this.runLocked(manager, window, bounds);
        if (caller) {
          await this.audit.record(manager, caller, {
            action: 'Mutation.runDriftCheck',
            target: { window: kind, windowEnd: bounds.end.toISOString(), reportIds: result.reportIds },
            summary: { acquired: result.acquired, checked: result.checked.length, alreadyChecked: result.already.length },
          });
        }
        return result;
      });
    } catch (error) {
      this.metrics.recordWindowCheck(kind, 'error', (performance.now() - started) / 1000);
      throw error;
    }
    // Timed up to COMMIT; `skipped`: another instance held this window's lock.
    this.metrics.recordWindowCheck(kind, outcome.acquired ? 'success' : 'skipped', (performance.now() - started) / 1000);
    if (outcome.reportIds.length) {
      this.logger.log({ msg: 'window drift check', window: kind, windowEnd: bounds.end.toISOString(), reports: outcome.reportIds.length });
    }
    return {
      window: kind,
      windowStart: bounds.start,
      windowEnd: bounds.end,
      acquired: outcome.acquired,
      checkedModelVersions: outcome.checked,
      alreadyCheckedModelVersions: outcome.already,
      reports: await Promise.all(outcome.reportIds.map((id) => this.driftQueries.report(id))),
    };
  }

  private async runLocked(manager: EntityManager, window: DriftWindowConfig, bounds: WindowBounds): Promise<RunOutcome> {
    const outcome: RunOutcome = { acquired: false, checked: [], already: [], reportIds: [] };
    if (!(await tryNamedLockForTransaction(manager, `monitoring:drift-window:${window.kind}`))) return outcome;
    outcome.acquired = true;
    for (const modelVersion of await this.predictionLogs.modelVersionsIn(manager, bounds.start, bounds.end)) {
      if (await this.driftQueries.windowAlreadyChecked(manager, modelVersion, window.kind, bounds.end)) {
        outcome.already.push(modelVersion);
        continue;
      }
      const maxRows = this.config.monitoringJobs.windowMaxRows;
      const rows = await this.predictionLogs.windowRows(manager, modelVersion, bounds.start, bounds.end, maxRows);
      const checked = await this.drift.checkWindow(
        manager,
        { modelVersion, windowKind: window.kind, windowStart: bounds.start, windowEnd: bounds.end },
        rows.columns,
        rows.probabilities,
      );
      if (checked) outcome.reportIds.push(checked.id);
      await this.performance.recordWindow(manager, {
        modelVersion,
        windowKind: window.kind,
        windowStart: bounds.start,
        windowEnd: bounds.end,
        probabilities: rows.probabilities,
        labels: rows.labels,
      });
      await this.reconciliation.reconcile(manager, modelVersion, window.kind);
      outcome.checked.push(modelVersion);
    }
    return outcome;
  }
}
