import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { readFeatureCsvTable } from '../model/csv';
import { evaluatePredictions, EvaluationMetrics } from '../model/evaluation';
import type { Scorer } from '../model/scorer';
import { PredictionLogsRepository } from '../prediction-logs/prediction-logs.repository';
import { ModelVersionsRepository } from '../scoring/model-versions.repository';
import { ScoringService } from '../scoring/scoring.service';
import { AuditService } from '../security/audit.service';
import type { Caller } from '../security/caller';
import { ChallengerTrainingPool } from './challenger-training.pool';
import { ChampionModel } from './challenger-training.task';
import { RetrainModelInput } from './dto/retrain-model.input';
import { ModelRegistryService } from './model-registry.service';
import { ModelVersion } from './models/model-version.model';
import { InsufficientTrainingDataError, RetrainingInputError } from './retraining.errors';
import { countPositives, LabelledRows, MAX_RETRAINING_ROWS } from './retraining-data';

/** Each class needs this many rows in the holdout for an evaluation worth comparing. */
const MIN_HOLDOUT_PER_CLASS = 5;

/**
 * retrainModel: fits a challenger with the CLI's training code (trainModel) on labelled
 * prediction logs (plus the reference training data when asked), evaluates challenger and
 * champion on the same stratified holdout of those logs, and stores the challenger as a
 * CANDIDATE model version with both sets of metrics. Promotion is a separate, human decision.
 *
 * The CPU work (split, training, cross-validation, evaluation: seconds for tens of thousands of
 * rows) runs in a worker thread of ChallengerTrainingPool, so the instance keeps serving
 * meanwhile; this service keeps the database reads, the write and the audit on the main thread.
 * A full worker queue refuses the request with SERVICE_BUSY, before the rows are read when it can.
 */
@Injectable()
export class ChallengerTrainingService {
  private readonly logger = new Logger('Retraining');

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scoring: ScoringService,
    private readonly versions: ModelVersionsRepository,
    private readonly registry: ModelRegistryService,
    private readonly predictionLogs: PredictionLogsRepository,
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
    private readonly pool: ChallengerTrainingPool,
  ) {}

  /** One retrainModel, timed by outcome (rejected: bad range or too little data). */
  async retrain(input: RetrainModelInput, caller: Caller): Promise<ModelVersion> {
    const started = performance.now();
    try {
      const version = await this.trainChallenger(input, caller);
      this.metrics.recordRetraining('success', (performance.now() - started) / 1000);
      return version;
    } catch (error) {
      this.metrics.recordRetraining(MetricsService.failureOutcome(error), (performance.now() - started) / 1000);
      throw error;
    }
  }

  private async trainChallenger(input: RetrainModelInput, caller: Caller): Promise<ModelVersion> {
    const { fromDate, toDate } = input;
    if (!(fromDate instanceof Date) || !(toDate instanceof Date) || !(fromDate < toDate)) {
      throw new RetrainingInputError('toDate', 'must be after fromDate');
    }
    // Refuse a busy instance before reading up to a million labelled rows.
    this.pool.assertCapacity();
    const settings = this.config.retraining;
    // The champion is the model as it scores today (scoring's answer, also for a fallback or broken ACTIVE row).
    // Labelled logs whatever model version scored them: the challenger learns from the applicants
    // and outcomes, not from the old model's scores.
    const [logs, champion] = await Promise.all([
      this.predictionLogs.labelledFeatureRows(fromDate, toDate, MAX_RETRAINING_ROWS),
      this.scoring.activeScorer(),
    ]);
    this.checkEnough(logs, settings.minLabelledRows, settings.holdoutFraction);

    const championModel = this.championModel(champion);
    const extra = input.includeTrainingData ? await this.trainingData() : null;
    const trainingDataRows = extra?.rows.labels.length ?? 0;

    // Split, training, cross-validation and evaluation run in a worker thread; logs.columns and
    // the training data's columns are moved there (unusable here afterwards).
    const trained = await this.pool.train({
      logs,
      extra,
      settings: { seed: settings.seed, holdoutFraction: settings.holdoutFraction, cvFolds: settings.cvFolds },
      fromDate: fromDate.toISOString(),
      toDate: toDate.toISOString(),
      champion: championModel,
    });
    const { artifact, challengerMetrics } = trained;
    // A champion the worker could not rebuild (another scorer in memory) is scored here: one
    // vectorised pass over the holdout.
    const championMetrics =
      trained.championMetrics ?? evaluatePredictions(trained.holdout!.labels, champion.score(trained.holdout!.columns), champion.threshold);
    const metrics = {
      challenger: finiteMetrics(challengerMetrics),
      champion: finiteMetrics(championMetrics),
      championVersion: champion.modelVersion,
      holdoutRows: trained.holdoutRows,
      trainingRows: trained.trainingRows,
      trainingDataRows,
      fromDate: fromDate.toISOString(),
      toDate: toDate.toISOString(),
      includeTrainingData: input.includeTrainingData,
      crossValidation: trained.crossValidation,
    };
    // Same data, seed and settings give the same version id: a repeated request returns the
    // stored candidate instead of a duplicate.
    // The first principal to train a version stays its trainer (four-eyes: someone else promotes).
    await this.dataSource.transaction(async (manager) => {
      const created = await this.versions.insertCandidate(manager, {
        version: artifact.modelVersion,
        artifact,
        metrics,
        trainedBy: caller.principal.name,
      });
      await this.audit.record(manager, caller, {
        action: 'Mutation.retrainModel',
        target: { modelVersion: artifact.modelVersion },
        summary: {
          created,
          fromDate: fromDate.toISOString(),
          toDate: toDate.toISOString(),
          trainingRows: trained.trainingRows,
          holdoutRows: trained.holdoutRows,
          includeTrainingData: !!input.includeTrainingData,
        },
      });
    });
    this.logger.log({
      msg: 'challenger trained',
      version: artifact.modelVersion,
      challengerRocAuc: challengerMetrics.rocAuc,
      championRocAuc: championMetrics.rocAuc,
      champion: champion.modelVersion,
    });
    return this.registry.get(artifact.modelVersion);
  }

  /**
   * The champion as the worker can rebuild it. Read right after activeScorer() answered, so the
   * artifact in memory is the one that scorer was built from; should a promotion have switched it
   * in between, the champion is scored here instead (null).
   */
  private championModel(champion: Scorer): ChampionModel | null {
    if (champion.kind === 'fallback') return { kind: 'fallback' };
    const artifact = this.scoring.currentArtifact;
    return artifact?.modelVersion === champion.modelVersion ? { kind: 'artifact', artifact } : null;
  }

  private checkEnough(logs: LabelledRows, minRows: number, holdoutFraction: number): void {
    const positives = countPositives(logs.labels);
    const negatives = logs.labels.length - positives;
    const details = { labelledRows: logs.labels.length, defaults: positives, repaid: negatives, required: minRows };
    if (logs.labels.length < minRows) {
      throw new InsufficientTrainingDataError(
        `${logs.labels.length} labelled prediction rows in the range; retraining needs at least ${minRows}`,
        details,
      );
    }
    if (Math.min(positives, negatives) * holdoutFraction < MIN_HOLDOUT_PER_CLASS) {
      throw new InsufficientTrainingDataError(
        `too few defaults (${positives}) or repayments (${negatives}) in the range to train and evaluate`,
        details,
      );
    }
  }

  /**
   * The reference training data (RETRAIN_TRAINING_DATA_PATH). The shipped artifact was fitted on
   * credit-g, which is not in the repository; the default is the committed labelled sample drawn
   * from the credit-g profile, i.e. the same population (see docs/performance-and-retraining.md).
   */
  private async trainingData(): Promise<{ rows: LabelledRows; source: string; sha256: string }> {
    const path = resolve(this.config.retraining.trainingDataPath);
    const table = await readFeatureCsvTable(path, { requireLabels: true, requireCustomerId: false });
    if (!table.actualDefault) throw new RetrainingInputError('includeTrainingData', `${path} has no actual_default column`);
    const sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
    return { rows: { columns: table.columns, labels: table.actualDefault }, source: this.config.retraining.trainingDataPath, sha256 };
  }
}

/** NaN (e.g. ROC AUC without both classes) is stored as null, never as a number. */
function finiteMetrics(metrics: EvaluationMetrics): Record<string, number | null> {
  return Object.fromEntries(Object.entries(metrics).map(([key, value]) => [key, Number.isFinite(value) ? value : null]));
}
