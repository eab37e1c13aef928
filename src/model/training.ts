import { createHash } from 'node:crypto';
import { calibrationTable } from '../stats/classification-metrics';
import { ARTIFACT_SCHEMA_VERSION, ArtifactMetrics, CrossValidationSummary, ModelArtifact } from './artifact';
import { evaluatePredictions, EvaluationMetrics, METRIC_NAMES, MetricName, summarize } from './evaluation';
import { FEATURE_NAMES, FeatureColumns } from './features';
import { fitStandardization, LinearModel, predictProbabilities, rowCount, standardize } from './linear-model';
import { DEFAULT_FIT_TOLERANCE, DEFAULT_MAX_STEPS, fitLogistic, LogisticFit, LogisticFitOptions } from './logistic-fit';
import {
  DEFAULT_GRADE_COUNT,
  fitMasterScale,
  innerBoundaries,
  MasterScale,
  MasterScaleError,
  masterScaleFromBoundaries,
} from './master-scale';
import { foldSplit, stratifiedFolds, stratifiedHoldout } from './splits';
import { chooseThreshold, THRESHOLD_RULE } from './threshold';

/**
 * Training as a pure function of in-memory data: the CLI reads a file and calls it; the service's
 * retraining calls it on labelled prediction logs. No file or network I/O here.
 *
 * Procedure (all seeded):
 * 1. Stratified holdout: `holdout` of the rows (default 25%) are set aside.
 * 2. The shipped model is fitted on the remaining rows: standardise, fit, choose the threshold on
 *    those rows (THRESHOLD_RULE). Its holdout metrics are therefore exactly the shipped model's.
 * 3. Repeated stratified k-fold cross-validation on all rows (default 10 shuffles of 5 folds)
 *    estimates how well the procedure generalises and how much that varies; each fold repeats
 *    step 2 on its training folds only.
 * 4. The master scale (rating grades) is fitted on the shipped model's PDs of its own fitting rows,
 *    the development sample its grade counts describe. Folds get none: no fold model is shipped.
 * With holdout 0 the model is fitted on all rows and there are no holdout metrics.
 */

export interface TrainingData {
  columns: FeatureColumns;
  /** 1 = defaulted, 0 = repaid. */
  labels: ArrayLike<number>;
}

export interface TrainingDataDescription {
  source: string;
  /** SHA-256 of the file the rows came from; null for in-memory data. */
  sha256: string | null;
}

export interface TrainModelOptions {
  seed: number;
  data: TrainingDataDescription;
  /** Share of rows held out, in [0, 1). Default 0.25. */
  holdout?: number;
  /** Cross-validation folds; 0 skips cross-validation. Default 5. */
  folds?: number;
  /** Independent shuffles of the folds. Default 10. */
  repeats?: number;
  fit?: LogisticFitOptions;
  /**
   * Rating grades stored with the artifact: `boundaries` (the K − 1 inner PD boundaries, strictly
   * increasing in (0, 1)) or `gradeCount` equal-count grades fitted on the development PDs; not
   * both. Default: DEFAULT_GRADE_COUNT fitted grades. Not part of the model version: the same
   * coefficients are the same model whatever grades it is reported in.
   */
  masterScale?: MasterScaleOptions;
  /** Defaults to a content hash, so the same data, seed and settings give the same version. */
  modelVersion?: string;
  /** ISO time for the artifact; defaults to now (the only non-deterministic field). */
  createdAt?: string;
  onProgress?: (message: string) => void;
  /** After each cross-validation fit: folds done and folds in all (repeats × folds). */
  onCrossValidationFold?: (done: number, total: number) => void;
}

export interface MasterScaleOptions {
  gradeCount?: number;
  boundaries?: number[];
}

export interface CrossValidationReport extends CrossValidationSummary {
  /** ROC AUC per fold, in (repeat, fold) order. */
  foldRocAuc: number[];
}

export interface TrainModelResult {
  artifact: ModelArtifact;
  holdout: EvaluationMetrics | null;
  crossValidation: CrossValidationReport | null;
}

interface FittedModel {
  model: LinearModel;
  threshold: number;
  fit: LogisticFit;
  /** The model's PDs of the rows it was fitted on, in their order. */
  fittedProbabilities: Float64Array;
}

export function trainModel(data: TrainingData, options: TrainModelOptions): TrainModelResult {
  const n = rowCount(data.columns);
  if (data.labels.length !== n) throw new RangeError(`${data.labels.length} labels for ${n} rows`);
  const labels = Uint8Array.from(data.labels, (value, i) => {
    if (value !== 0 && value !== 1) throw new RangeError(`label at row ${i} is ${value}, expected 0 or 1`);
    return value;
  });
  const holdoutFraction = options.holdout ?? 0.25;
  const folds = options.folds ?? 5;
  const repeats = options.repeats ?? 10;
  const progress = options.onProgress ?? (() => undefined);

  const all = allRows(n);
  const split = holdoutFraction > 0 ? stratifiedHoldout(labels, holdoutFraction, options.seed) : { train: all, test: new Uint32Array(0) };

  progress(`fitting on ${split.train.length} rows (holdout ${split.test.length})`);
  const shipped = fitAndChooseThreshold(data.columns, labels, split.train, options.fit);
  // Before cross-validation, so a scale that cannot be built fails in seconds, not minutes.
  const masterScale = developmentMasterScale(shipped.fittedProbabilities, options.masterScale);
  progress(
    `master scale: ${masterScale.grades.length} grades, inner PD boundaries ${innerBoundaries(masterScale).join(', ')}; ` +
      `development rows per grade ${masterScale.grades.map((g) => g.developmentCount).join(', ')}`,
  );
  let holdout: EvaluationMetrics | null = null;
  let holdoutCalibration = null;
  if (split.test.length > 0) {
    const testLabels = pick(labels, split.test);
    const probabilities = predictProbabilities(shipped.model, selectRows(data.columns, split.test));
    holdout = evaluatePredictions(testLabels, probabilities, shipped.threshold);
    holdoutCalibration = calibrationTable(testLabels, probabilities);
    progress(`holdout ROC AUC ${holdout.rocAuc.toFixed(4)}`);
  }

  const crossValidation = folds > 0 ? crossValidate(data.columns, labels, folds, repeats, options, progress) : null;

  const metrics: ArtifactMetrics = {
    holdout,
    holdoutCalibration,
    crossValidation: crossValidation && {
      folds: crossValidation.folds,
      repeats: crossValidation.repeats,
      metrics: crossValidation.metrics,
      calibration: crossValidation.calibration,
    },
  };
  const artifact = buildArtifact(shipped, labels, split, holdoutFraction, metrics, masterScale, options);
  return { artifact, holdout, crossValidation };
}

function developmentMasterScale(developmentPds: Float64Array, options: MasterScaleOptions = {}): MasterScale {
  if (options.boundaries !== undefined && options.gradeCount !== undefined) {
    throw new MasterScaleError('masterScale takes boundaries or gradeCount, not both');
  }
  return options.boundaries !== undefined
    ? masterScaleFromBoundaries(options.boundaries, developmentPds)
    : fitMasterScale(developmentPds, options.gradeCount ?? DEFAULT_GRADE_COUNT);
}

function crossValidate(
  columns: FeatureColumns,
  labels: Uint8Array,
  folds: number,
  repeats: number,
  options: TrainModelOptions,
  progress: (message: string) => void,
): CrossValidationReport {
  const perFold: Record<MetricName, number[]> = Object.fromEntries(METRIC_NAMES.map((name) => [name, []])) as unknown as Record<
    MetricName,
    number[]
  >;
  const firstRepeatPredictions = new Float64Array(labels.length);
  for (let repeat = 0; repeat < repeats; repeat++) {
    const assignment = stratifiedFolds(labels, folds, options.seed, repeat);
    for (let fold = 0; fold < folds; fold++) {
      const { train, test } = foldSplit(assignment, fold);
      const fitted = fitAndChooseThreshold(columns, labels, train, options.fit);
      const probabilities = predictProbabilities(fitted.model, selectRows(columns, test));
      const metrics = evaluatePredictions(pick(labels, test), probabilities, fitted.threshold);
      for (const name of METRIC_NAMES) perFold[name].push(metrics[name]);
      if (repeat === 0) test.forEach((row, k) => (firstRepeatPredictions[row] = probabilities[k]));
      options.onCrossValidationFold?.(repeat * folds + fold + 1, repeats * folds);
    }
    progress(`cross-validation shuffle ${repeat + 1}/${repeats}: mean ROC AUC so far ${summarize(perFold.rocAuc).mean.toFixed(4)}`);
  }
  const metrics = Object.fromEntries(
    METRIC_NAMES.map((name) => [name, summarize(perFold[name])]),
  ) as unknown as CrossValidationReport['metrics'];
  return {
    folds,
    repeats,
    metrics,
    calibration: calibrationTable(labels, firstRepeatPredictions),
    foldRocAuc: perFold.rocAuc,
  };
}

function fitAndChooseThreshold(
  columns: FeatureColumns,
  labels: Uint8Array,
  rows: Uint32Array,
  fitOptions: LogisticFitOptions | undefined,
): FittedModel {
  const trainColumns = selectRows(columns, rows);
  const trainLabels = pick(labels, rows);
  const standardization = fitStandardization(trainColumns);
  const fit = fitLogistic(standardize(trainColumns, standardization), trainLabels, fitOptions);
  const model: LinearModel = { standardization, coefficients: fit.coefficients, intercept: fit.intercept };
  const fittedProbabilities = predictProbabilities(model, trainColumns);
  const { threshold } = chooseThreshold(trainLabels, fittedProbabilities);
  return { model, threshold, fit, fittedProbabilities };
}

function buildArtifact(
  shipped: FittedModel,
  labels: Uint8Array,
  split: { train: Uint32Array; test: Uint32Array },
  holdoutFraction: number,
  metrics: ArtifactMetrics,
  masterScale: MasterScale,
  options: TrainModelOptions,
): ModelArtifact {
  const defaults = labels.reduce((sum, value) => sum + value, 0);
  const body = {
    featureOrder: [...FEATURE_NAMES],
    standardization: shipped.model.standardization,
    coefficients: shipped.model.coefficients,
    intercept: shipped.model.intercept,
    threshold: shipped.threshold,
  };
  // The master scale stays out of the hash: regrading the same coefficients is not a new model.
  const modelVersion = options.modelVersion ?? `credit-lr-${contentHash({ body, data: options.data, seed: options.seed })}`;
  return {
    schemaVersion: ARTIFACT_SCHEMA_VERSION,
    modelVersion,
    modelType: 'logistic-regression',
    ...body,
    thresholdRule: THRESHOLD_RULE,
    training: {
      rows: labels.length,
      defaults,
      sha256: options.data.sha256,
      source: options.data.source,
      seed: options.seed,
      holdoutFraction,
      fittedRows: split.train.length,
      holdoutRows: split.test.length,
      fit: {
        library: 'ml-logistic-regression',
        steps: shipped.fit.steps,
        converged: shipped.fit.converged,
        tolerance: options.fit?.tolerance ?? DEFAULT_FIT_TOLERANCE,
        maxSteps: options.fit?.maxSteps ?? DEFAULT_MAX_STEPS,
        learningRate: shipped.fit.learningRate,
        trainingLogLoss: shipped.fit.logLoss,
      },
    },
    metrics,
    masterScale,
    createdAt: options.createdAt ?? new Date().toISOString(),
  };
}

function contentHash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 12);
}

function allRows(n: number): Uint32Array {
  const rows = new Uint32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  return rows;
}

export function selectRows(columns: FeatureColumns, rows: Uint32Array): FeatureColumns {
  const selected = {} as FeatureColumns;
  for (const name of FEATURE_NAMES) {
    const source = columns[name];
    const column = new Float64Array(rows.length);
    for (let k = 0; k < rows.length; k++) column[k] = source[rows[k]];
    selected[name] = column;
  }
  return selected;
}

function pick(labels: Uint8Array, rows: Uint32Array): Uint8Array {
  const out = new Uint8Array(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = labels[rows[k]];
  return out;
}
