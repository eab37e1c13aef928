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
import { artifactScorer } from '../model/scorer';
import { stratifiedHoldout } from '../model/splits';
import { selectRows, trainModel } from '../model/training';
import { PredictionLogsRepository } from '../prediction-logs/prediction-logs.repository';
import { ModelVersionsRepository } from '../scoring/model-versions.repository';
import { ScoringService } from '../scoring/scoring.service';
import { AuditService } from '../security/audit.service';
import type { Caller } from '../security/caller';
import { calibrationTable } from '../stats/classification-metrics';
import { RetrainModelInput } from './dto/retrain-model.input';
import { ModelRegistryService } from './model-registry.service';
import { ModelVersion } from './models/model-version.model';
import { InsufficientTrainingDataError, RetrainingInputError } from './retraining.errors';
import { concatRows, countPositives, LabelledRows, MAX_RETRAINING_ROWS } from './retraining-data';

/** Each class needs this many rows in the holdout for an evaluation worth comparing. */
const MIN_HOLDOUT_PER_CLASS = 5;

/**
 * retrainModel: fits a challenger with the CLI's training code (trainModel) on labelled
 * prediction logs (plus the reference training data when asked), evaluates challenger and
 * champion on the same stratified holdout of those logs, and stores the challenger as a
 * CANDIDATE model version with both sets of metrics. Promotion is a separate, human decision.
 *
 * Training is synchronous CPU work (about a second for tens of thousands of rows with
 * RETRAIN_CV_FOLDS=0); it is an operator action, not a hot path.
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
    const settings = this.config.retraining;
    // The champion is the model as it scores today (scoring's answer, also for a fallback or broken ACTIVE row).
    // Labelled logs whatever model version scored them: the challenger learns from the applicants
    // and outcomes, not from the old model's scores.
    const [logs, champion] = await Promise.all([
      this.predictionLogs.labelledFeatureRows(fromDate, toDate, MAX_RETRAINING_ROWS),
      this.scoring.activeScorer(),
    ]);
    this.checkEnough(logs, settings.minLabelledRows, settings.holdoutFraction);

    const split = stratifiedHoldout(logs.labels, settings.holdoutFraction, settings.seed);
    let training: LabelledRows = { columns: selectRows(logs.columns, split.train), labels: pickLabels(logs.labels, split.train) };
    const extra = input.includeTrainingData ? await this.trainingData() : null;
    if (extra) training = concatRows(training, extra.rows);

    const source = `prediction_logs labelled, scored in [${fromDate.toISOString()}, ${toDate.toISOString()}), ${split.train.length} rows outside the holdout`;
    const trained = trainModel(training, {
      seed: settings.seed,
      holdout: 0,
      folds: settings.cvFolds >= 2 ? settings.cvFolds : 0,
      repeats: 1,
      data: { source: extra ? `${source} + ${extra.source} (${extra.rows.labels.length} rows)` : source, sha256: extra?.sha256 ?? null },
    });

    const holdoutColumns = selectRows(logs.columns, split.test);
    const holdoutLabels = pickLabels(logs.labels, split.test);
    const challengerScorer = artifactScorer(trained.artifact);
    const challengerProbabilities = challengerScorer.score(holdoutColumns);
    const challengerMetrics = evaluatePredictions(holdoutLabels, challengerProbabilities, challengerScorer.threshold);
    const championMetrics = evaluatePredictions(holdoutLabels, champion.score(holdoutColumns), champion.threshold);

    // The candidate's model card: its holdout is the logs' holdout (trainModel saw none of it).
    const artifact = {
      ...trained.artifact,
      training: {
        ...trained.artifact.training,
        rows: training.labels.length + split.test.length,
        holdoutRows: split.test.length,
        holdoutFraction: settings.holdoutFraction,
      },
      metrics: {
        ...trained.artifact.metrics,
        holdout: challengerMetrics,
        holdoutCalibration: calibrationTable(holdoutLabels, challengerProbabilities),
      },
    };
    const metrics = {
      challenger: finiteMetrics(challengerMetrics),
      champion: finiteMetrics(championMetrics),
      championVersion: champion.modelVersion,
      holdoutRows: split.test.length,
      trainingRows: training.labels.length,
      trainingDataRows: extra?.rows.labels.length ?? 0,
      fromDate: fromDate.toISOString(),
      toDate: toDate.toISOString(),
      includeTrainingData: input.includeTrainingData,
      crossValidation: trained.crossValidation
        ? { folds: trained.crossValidation.folds, rocAuc: trained.crossValidation.metrics.rocAuc }
        : null,
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
          trainingRows: training.labels.length,
          holdoutRows: split.test.length,
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

function pickLabels(labels: Uint8Array, rows: Uint32Array): Uint8Array {
  const out = new Uint8Array(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = labels[rows[k]];
  return out;
}

/** NaN (e.g. ROC AUC without both classes) is stored as null, never as a number. */
function finiteMetrics(metrics: EvaluationMetrics): Record<string, number | null> {
  return Object.fromEntries(Object.entries(metrics).map(([key, value]) => [key, Number.isFinite(value) ? value : null]));
}
