import { FEATURE_NAMES, FeatureColumns, FeatureName } from './features';

/**
 * The fitted model in the form it is stored and scored: per-feature standardisation followed by a
 * logistic function of a linear score. Training, evaluation, the CLI and the service all compute
 * probabilities with `predictProbabilities`, so they cannot disagree.
 */

export interface Standardization {
  /** Per feature, in FEATURE_NAMES order. */
  mean: number[];
  /** Population standard deviation (as scikit-learn's StandardScaler); 1 for a constant column. */
  sd: number[];
}

export interface LinearModel {
  standardization: Standardization;
  /** Per standardised feature, in FEATURE_NAMES order. */
  coefficients: number[];
  intercept: number;
}

export function fitStandardization(columns: FeatureColumns): Standardization {
  const mean: number[] = [];
  const sd: number[] = [];
  for (const name of FEATURE_NAMES) {
    const column = columns[name];
    const n = column.length;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += column[i];
    const m = sum / n;
    let squares = 0;
    for (let i = 0; i < n; i++) squares += (column[i] - m) * (column[i] - m);
    const s = Math.sqrt(squares / n);
    mean.push(m);
    // A constant column carries no information; sd 1 keeps it at zero instead of dividing by 0.
    sd.push(s > 0 && Number.isFinite(s) ? s : 1);
  }
  return { mean, sd };
}

/** Standardised copies of the feature columns, in FEATURE_NAMES order. */
export function standardize(columns: FeatureColumns, standardization: Standardization): Float64Array[] {
  return FEATURE_NAMES.map((name, j) => {
    const column = columns[name];
    const mean = standardization.mean[j];
    const sd = standardization.sd[j];
    const out = new Float64Array(column.length);
    for (let i = 0; i < column.length; i++) out[i] = (column[i] - mean) / sd;
    return out;
  });
}

/** Rows in a batch (all columns must agree). */
export function rowCount(columns: FeatureColumns): number {
  const n = columns[FEATURE_NAMES[0]].length;
  for (const name of FEATURE_NAMES) {
    if (columns[name].length !== n) {
      throw new RangeError(`feature column ${name} has ${columns[name].length} rows, expected ${n}`);
    }
  }
  return n;
}

/**
 * P(default) per row. One pass per feature over typed arrays (no per-row objects), accumulating
 * the linear score in a fixed feature order so results are bit-identical wherever it runs.
 */
export function predictProbabilities(model: LinearModel, columns: FeatureColumns): Float64Array {
  const n = rowCount(columns);
  const eta = new Float64Array(n).fill(model.intercept);
  for (let j = 0; j < FEATURE_NAMES.length; j++) {
    const column = columns[FEATURE_NAMES[j]];
    const mean = model.standardization.mean[j];
    const sd = model.standardization.sd[j];
    const coefficient = model.coefficients[j];
    for (let i = 0; i < n; i++) eta[i] += coefficient * ((column[i] - mean) / sd);
  }
  for (let i = 0; i < n; i++) eta[i] = sigmoid(eta[i]);
  return eta;
}

export function sigmoid(x: number): number {
  // Two branches so that exp never overflows for large |x|.
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * Change in the log-odds per unit of each raw feature (coefficient ÷ standardisation SD): the
 * logit is exactly intercept + Σ weight_j·(x_j − mean_j), which is what makes the score-shift
 * decomposition of the drift report exact.
 */
export function logOddsWeights(model: Pick<LinearModel, 'coefficients' | 'standardization'>): Record<FeatureName, number> {
  const weights = {} as Record<FeatureName, number>;
  FEATURE_NAMES.forEach((name, j) => (weights[name] = model.coefficients[j] / model.standardization.sd[j]));
  return weights;
}
