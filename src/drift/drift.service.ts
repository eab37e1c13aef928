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
import { compareGradeDistribution, countGrades, GradeDistributionResult } from '../drift-engine/grade-distribution';
import { DriftCheckResult } from '../drift-engine/result-types';
import { LogOddsWeights } from '../drift-engine/score-shift';
import { MetricsService } from '../metrics/metrics.service';
import { FeatureColumns } from '../model/features';
import { MasterScale } from '../model/master-scale';
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
  /** The scoring model's rating grades: the report then compares the batch's grade mix with development. */
  masterScale?: MasterScale | null;
  /**
   * The columns as the engine reads them, when the caller derived them already (ingestion does,
   * for the batch's sketch): baselineColumns(columns, probabilities) plus the multivariate
   * reconstruction errors, so those are not computed twice per batch.
   */
  engineColumns?: Readonly<Record<string, Float64Array>>;
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
    const checked = await this.check(manager, row, input);
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

  /**
   * The grade-distribution part of a report (grade-distribution.ts) from the rows' counts per
   * grade (index = grade − 1), judged with the settings the report's columns are checked with;
   * null when the model has no master scale. Windows count their rows in PostgreSQL and come here too.
   */
  gradeDistributionOf(
    baseline: ActiveBaseline,
    modelVersion: string,
    masterScale: MasterScale | null | undefined,
    counts: ArrayLike<number>,
  ): GradeDistributionResult | null {
    if (!masterScale) return null;
    return compareGradeDistribution(masterScale, counts, { config: this.configFor(baseline, modelVersion) });
  }

  /** The batch check on raw columns. */
  private async check(
    manager: EntityManager,
    row: Omit<DriftReportSource, 'baselineId' | 'baselineVersion'>,
    input: BatchDriftInput,
  ): Promise<CheckedReport | null> {
    const { baseline, probabilities, masterScale } = input;
    if (!baseline) {
      this.logger.warn({ msg: 'no active baseline: drift not checked' });
      return null;
    }
    const config = this.configFor(baseline, row.modelVersion);
    const result = checkDrift(baseline.profile, input.engineColumns ?? baselineColumns(input.columns, probabilities), config, {
      logOddsWeights: input.logOddsWeights,
    });
    const counts = masterScale ? countGrades(masterScale, probabilities) : [];
    return this.store(manager, row, baseline, {
      ...result,
      gradeDistribution: this.gradeDistributionOf(baseline, row.modelVersion, masterScale, counts),
    });
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
