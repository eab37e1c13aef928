import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AlertsService } from '../../alerts/alerts.service';
import { DomainError, NotFoundError } from '../../common/errors/domain-error';
import { ValidationEvaluated } from '../../common/events/domain-events';
import { WorkerQueueFullError } from '../../common/workers/worker.errors';
import { AppConfig } from '../../config/app-config';
import type { MasterScale } from '../../model/master-scale';
import type { ValidationReport, ValidationSettings } from '../../model/validation-report-types';
import { LabelledPredictions, LabelledPredictionsRepository } from '../../prediction-logs/labelled-predictions.repository';
import type { WindowRange } from '../../prediction-logs/prediction-logs.repository';
import { ModelFacts, ModelVersionsRepository } from '../../scoring/model-versions.repository';
import { PerformanceInputError } from '../performance.errors';
import { ValidationPool } from './validation.pool';

export interface ValidationQuery {
  modelVersion: string;
  from: Date;
  to: Date;
  /** The AUC at initial validation; defaults to the model card's holdout ROC AUC. */
  initialAuc?: number | null;
}

export interface ValidationReportView extends ValidationReport {
  modelVersion: string;
  from: Date;
  to: Date;
  generatedAt: Date;
  masterScaleRule: string;
  unlabelledRows: number;
  initialAucSource: 'GIVEN' | 'MODEL_CARD' | null;
}

const MAX_MODEL_VERSION_LENGTH = 200;

/**
 * Credit-risk validation of a model version over a period: the period's labelled predictions are
 * read in one snapshot and tested in a worker thread by the same pure function the CLI runs on a
 * labelled CSV (src/model/credit-validation.ts). The scheduled window check also runs it on each
 * window's labelled rows and hands the verdict to the alert rules (VALIDATION_FAILURE).
 */
@Injectable()
export class ValidationService {
  private readonly logger = new Logger('Validation');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly modelVersions: ModelVersionsRepository,
    private readonly labelled: LabelledPredictionsRepository,
    private readonly pool: ValidationPool,
    private readonly alerts: AlertsService,
  ) {}

  get settings(): Partial<ValidationSettings> {
    const { yellowPValue, redPValue, minGradeObligors } = this.config.validation;
    return { yellowPValue, redPValue, minGradeObligors };
  }

  /** The report in a worker, at the configured levels (the PD and label buffers move there). */
  private compute(data: LabelledPredictions, masterScale: MasterScale, initialAuc: number | null): Promise<ValidationReport> {
    return this.pool.report({ probabilities: data.probabilities, labels: data.labels, masterScale, initialAuc, settings: this.settings });
  }

  async report(query: ValidationQuery): Promise<ValidationReportView> {
    checkQuery(query);
    const version = await this.modelVersions.get(query.modelVersion);
    if (!version) throw new NotFoundError('Model version', query.modelVersion);
    // Count and read in one snapshot: outcomes joined in between cannot make them disagree.
    const { facts, counts, data } = await this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const facts = (await this.modelVersions.modelFacts(manager, [query.modelVersion])).get(query.modelVersion)!;
      const masterScale = requireMasterScale(query.modelVersion, facts);
      const range: WindowRange = { modelVersion: query.modelVersion, start: query.from, end: query.to };
      const counts = await this.labelled.count(manager, range);
      const maxRows = this.config.validation.maxRows;
      if (counts.labelled > maxRows) {
        throw new DomainError(
          'BAD_USER_INPUT',
          `from/to: the period holds ${counts.labelled} labelled predictions, more than VALIDATION_MAX_ROWS (${maxRows}); choose a shorter period`,
          {
            problems: [
              { index: null, field: 'from', rule: `at most ${maxRows} labelled predictions in the period`, value: counts.labelled },
            ],
          },
        );
      }
      return { facts: { ...facts, masterScale }, counts, data: await this.labelled.read(manager, range) };
    });
    const given = query.initialAuc ?? null;
    const initialAuc = given ?? facts.cardRocAuc;
    const report = await this.compute(data, facts.masterScale, initialAuc);
    return {
      ...report,
      modelVersion: query.modelVersion,
      from: query.from,
      to: query.to,
      generatedAt: new Date(),
      masterScaleRule: facts.masterScale.rule,
      unlabelledRows: counts.unlabelled,
      initialAucSource: given !== null ? 'GIVEN' : initialAuc !== null ? 'MODEL_CARD' : null,
    };
  }

  /**
   * The validation-failure rule, run by each scheduled window check inside its transaction: the
   * predictions scored in the VALIDATION_ALERT_COHORT_DAYS before the window's end whose outcomes
   * have arrived by now are tested, and the verdict goes to the alert rules. Outcomes come weeks
   * or months after scoring, so the window's own hour would hold almost none; later checks see
   * the outcomes that arrived since. Skipped — nothing raised, nothing cleared — for a model
   * without a master scale, a cohort with fewer labelled rows than one grade needs, one above
   * VALIDATION_MAX_ROWS (a warning: shorten the cohort), and when the validation workers are busy
   * with on-demand reports (the window's drift and performance results still commit).
   */
  async evaluateWindow(
    manager: EntityManager,
    window: { modelVersion: string; windowKind: string; windowEnd: Date },
    facts: ModelFacts,
  ): Promise<ValidationReport | null> {
    if (!facts.masterScale) return null;
    const cohortStart = new Date(window.windowEnd.getTime() - this.config.validation.alertCohortDays * DAY_MS);
    const range: WindowRange = { modelVersion: window.modelVersion, start: cohortStart, end: window.windowEnd };
    const counts = await this.labelled.count(manager, range);
    if (counts.labelled < this.config.validation.minGradeObligors) return null;
    if (counts.labelled > this.config.validation.maxRows) {
      this.logger.warn({
        msg: 'scheduled validation skipped: the cohort has more labelled predictions than VALIDATION_MAX_ROWS; shorten VALIDATION_ALERT_COHORT_DAYS',
        modelVersion: window.modelVersion,
        windowKind: window.windowKind,
        labelled: counts.labelled,
        maxRows: this.config.validation.maxRows,
      });
      return null;
    }
    const data = await this.labelled.read(manager, range);
    let report: ValidationReport;
    try {
      report = await this.compute(data, facts.masterScale, facts.cardRocAuc);
    } catch (error) {
      if (!(error instanceof WorkerQueueFullError)) throw error;
      this.logger.warn({
        msg: 'scheduled validation skipped: validation workers busy',
        modelVersion: window.modelVersion,
        windowKind: window.windowKind,
      });
      return null;
    }
    await this.alerts.onValidationEvaluated(manager, validationEvaluated({ ...window, cohortStart }, report));
    return report;
  }
}

const DAY_MS = 86_400_000;

export function validationEvaluated(
  window: { modelVersion: string; windowKind: string; windowEnd: Date; cohortStart: Date },
  report: ValidationReport,
): ValidationEvaluated {
  return {
    modelVersion: window.modelVersion,
    windowKind: window.windowKind,
    windowEnd: window.windowEnd,
    cohortStart: window.cohortStart,
    rows: report.rows,
    defaults: report.defaults,
    portfolioTrafficLight: report.portfolio.trafficLight,
    portfolioPd: report.portfolio.pd,
    portfolioObservedDefaultRate: report.portfolio.observedDefaultRate,
    portfolioJeffreysPValue: report.portfolio.jeffreysPValue,
    rocAuc: report.rocAuc,
    initialAuc: report.aucDeclineTest.initialAuc,
    aucDeclinePValue: report.aucDeclineTest.pValue,
    aucDeclineSignificant: report.aucDeclineTest.significant,
    redGrades: report.grades.filter((g) => g.trafficLight === 'RED').map((g) => g.grade),
    failed: report.failed,
    failures: report.failures,
    occurredAt: new Date(),
  };
}

function requireMasterScale(modelVersion: string, facts: ModelFacts): MasterScale {
  if (facts.masterScale) return facts.masterScale;
  throw new DomainError(
    'BAD_USER_INPUT',
    `modelVersion: '${modelVersion}' has no master scale (the fallback rules, or an artifact trained before rating grades existed); retrain or re-register it with one`,
    { problems: [{ index: null, field: 'modelVersion', rule: 'a model version whose artifact has a master scale', value: modelVersion }] },
  );
}

function checkQuery(query: ValidationQuery): void {
  const { modelVersion, from, to, initialAuc } = query;
  if (typeof modelVersion !== 'string' || modelVersion.trim() === '') throw new PerformanceInputError('modelVersion', 'must not be empty');
  if (modelVersion.length > MAX_MODEL_VERSION_LENGTH) {
    throw new PerformanceInputError('modelVersion', `at most ${MAX_MODEL_VERSION_LENGTH} characters`, modelVersion.length);
  }
  if (!(from instanceof Date) || Number.isNaN(from.getTime())) throw new PerformanceInputError('from', 'must be a valid date-time');
  if (!(to instanceof Date) || Number.isNaN(to.getTime())) throw new PerformanceInputError('to', 'must be a valid date-time');
  if (!(from < to)) throw new PerformanceInputError('to', 'must be after from', { from: from.toISOString(), to: to.toISOString() });
  if (initialAuc !== undefined && initialAuc !== null && !(Number.isFinite(initialAuc) && initialAuc >= 0 && initialAuc <= 1)) {
    throw new PerformanceInputError('initialAuc', 'must be a number from 0 to 1', initialAuc);
  }
}
