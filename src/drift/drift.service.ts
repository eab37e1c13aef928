import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AlertsService } from '../alerts/alerts.service';
import { ActiveBaseline, BaselinesService } from '../baselines/baselines.service';
import { DataQualityFacts } from '../common/events/domain-events';
import { AppConfig } from '../config/app-config';
import { afterCommit } from '../database/after-commit';
import { baselineColumns } from '../drift-engine/baseline-columns';
import { checkDrift } from '../drift-engine/check';
import { DriftConfig } from '../drift-engine/config';
import { DriftCheckResult } from '../drift-engine/result-types';
import { LogOddsWeights } from '../drift-engine/score-shift';
import { MetricsService } from '../metrics/metrics.service';
import { FeatureColumns } from '../model/features';
import { driftConfigFor } from './drift-config';
import { driftReportCreated, DriftReportSource, newDriftReport } from './drift-report.mapper';
import { DriftReportsRepository } from './drift-reports.repository';

export interface BatchDriftInput {
  batchUuid: string;
  modelVersion: string;
  /** The baseline the caller already read for this batch (data quality uses it too). */
  baseline: ActiveBaseline | null;
  columns: FeatureColumns;
  probabilities: Float64Array;
  dataQuality: DataQualityFacts;
  /** The scoring model's log-odds weights: the report then says which features moved the scores. */
  logOddsWeights?: LogOddsWeights;
}

export interface CheckedReport {
  id: string;
  createdAt: Date;
  baselineVersion: number;
  result: DriftCheckResult;
}

/**
 * Runs the drift engine against the active baseline and stores the report with its per-feature
 * metrics, inside the caller's transaction (so a batch and its report commit together), then
 * evaluates the alert rules in the same transaction: an alert commits or rolls back with its cause.
 */
@Injectable()
export class DriftService {
  private readonly logger = new Logger('Drift');

  constructor(
    private readonly config: AppConfig,
    private readonly baselines: BaselinesService,
    private readonly alerts: AlertsService,
    private readonly driftReports: DriftReportsRepository,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * Returns the report it stored (null: not checked); the batch's link to it (batches owns that
   * column) is stored by the caller.
   */
  async checkBatch(manager: EntityManager, input: BatchDriftInput): Promise<CheckedReport | null> {
    const row = { kind: 'BATCH' as const, batchUuid: input.batchUuid, modelVersion: input.modelVersion };
    const checked = await this.check(manager, row, input.baseline, input.columns, input.probabilities, input.logOddsWeights);
    if (!checked) return null;
    await this.alerts.onDriftReport(manager, driftReportCreated(checked, 'BATCH', input.batchUuid, input.modelVersion, input.dataQuality));
    return checked;
  }

  /** The drift settings a check against `baseline` uses for rows scored by `modelVersion`. */
  configFor(baseline: ActiveBaseline, modelVersion: string): Partial<DriftConfig> {
    const baselineModel = (baseline.profile as { modelVersion?: string | null }).modelVersion ?? null;
    return driftConfigFor(this.config, baselineModel === modelVersion);
  }

  /**
   * Stores the scheduled re-check of one window (all rows one model version scored in it), whose
   * result the caller computed from the window's merged profile (checkDriftBinned, in a worker).
   * Returns null when this window's report already exists (a second run of the tick).
   */
  async recordWindow(
    manager: EntityManager,
    window: { modelVersion: string; windowKind: string; windowStart: Date; windowEnd: Date },
    baseline: ActiveBaseline,
    result: DriftCheckResult,
  ): Promise<CheckedReport | null> {
    const row = { kind: 'WINDOW' as const, batchUuid: null, ...window };
    const checked = await this.store(manager, row, baseline, result);
    if (checked) await this.alerts.onDriftReport(manager, driftReportCreated(checked, 'WINDOW', null, window.modelVersion, null));
    return checked;
  }

  /** The batch check on raw columns. */
  private async check(
    manager: EntityManager,
    row: Omit<DriftReportSource, 'baselineId' | 'baselineVersion'>,
    baseline: ActiveBaseline | null,
    columns: FeatureColumns,
    probabilities: Float64Array,
    logOddsWeights: LogOddsWeights | undefined,
  ): Promise<CheckedReport | null> {
    if (!baseline) {
      this.logger.warn({ msg: 'no active baseline: drift not checked' });
      return null;
    }
    const result = checkDrift(baseline.profile, baselineColumns(columns, probabilities), this.configFor(baseline, row.modelVersion), {
      logOddsWeights,
    });
    return this.store(manager, row, baseline, result);
  }

  /** Stores a checked result with its metrics (batch and window alike). */
  private async store(
    manager: EntityManager,
    row: Omit<DriftReportSource, 'baselineId' | 'baselineVersion'>,
    baseline: ActiveBaseline,
    result: DriftCheckResult,
  ): Promise<CheckedReport | null> {
    const { report, metrics } = newDriftReport({ ...row, baselineId: baseline.id, baselineVersion: baseline.version }, result);
    const written = await this.driftReports.insert(manager, report, metrics);
    if (!written) return null;
    // Counted once the report is committed: a batch that rolls back leaves no verdict behind.
    afterCommit(manager, () => this.metrics.recordDriftReport(row.kind === 'BATCH' ? 'batch' : 'window', result.status, result.features));
    return { ...written, baselineVersion: baseline.version, result };
  }
}
