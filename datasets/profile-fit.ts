import { DISCRETE_FEATURES, FEATURE_NAMES, FeatureColumns, FeatureName } from '../src/model/features';
import { fitStandardization, predictProbabilities, standardize } from '../src/model/linear-model';
import { fitLogistic } from '../src/model/logistic-fit';
import { nearestCorrelation } from './correlation-matrix';
import { generateColumns } from './generator';
import { DataProfile, Marginal, PROFILE_SCHEMA_VERSION } from './profile';
import { spearmanMatrix } from './rank-correlation';

/**
 * Fits a DataProfile on real labelled data (datasets/credit-g-profile.json is fitted on
 * ../shared/datasets/credit-g-monitoring.csv with `npm run cli -- dataset profile`).
 *
 * - Marginals: features declared discrete, and any feature with at most CATEGORICAL_LIMIT distinct
 *   values (credit-g heaps utilization and employment years on a few values), keep their exact
 *   values and frequencies; the rest get a 201-point empirical quantile function.
 * - Dependence: the Spearman matrix of the data is the target. The textbook copula map
 *   r = 2·sin(π·ρs/6) assumes continuous margins; ties in heaped features shrink the rank
 *   correlation that comes out, so the latent correlation is calibrated by simulation: generate,
 *   measure, move the latent matrix by the remaining gap, repeat.
 * - Outcomes: a logistic default model on standardised features (same fitting code as the
 *   shipped model), with the intercept then tuned so generated data has the source's default rate.
 */

export const CATEGORICAL_LIMIT = 25;
const QUANTILE_POINTS = 201;
const CALIBRATION_ROWS = 100_000;
const CALIBRATION_ROUNDS = 8;

export interface ProfileSource {
  description: string;
  sha256: string | null;
}

export function fitProfile(columns: FeatureColumns, labels: ArrayLike<number>, source: ProfileSource, seed = 20240601): DataProfile {
  const n = labels.length;
  const marginals = {} as Record<FeatureName, Marginal>;
  for (const name of FEATURE_NAMES) marginals[name] = fitMarginal(columns[name], DISCRETE_FEATURES.has(name));

  const rankCorrelation = spearmanMatrix(FEATURE_NAMES.map((name) => columns[name]));
  const standardization = fitStandardization(columns);
  const fit = fitLogistic(standardize(columns, standardization), labels);
  let baseRate = 0;
  for (let i = 0; i < n; i++) baseRate += labels[i];
  baseRate /= n;

  const profile: DataProfile = {
    schemaVersion: PROFILE_SCHEMA_VERSION,
    source: { description: source.description, rows: n, sha256: source.sha256 },
    featureOrder: [...FEATURE_NAMES],
    marginals,
    rankCorrelation: roundMatrix(rankCorrelation),
    latentCorrelation: nearestCorrelation(rankCorrelation.map((row) => row.map((rho) => 2 * Math.sin((Math.PI * rho) / 6)))),
    defaultModel: { standardization, coefficients: fit.coefficients, intercept: fit.intercept, baseRate },
  };

  for (let round = 0; round < CALIBRATION_ROUNDS; round++) {
    const simulated = generateColumns(profile, CALIBRATION_ROWS, { seed: seed + round });
    const achieved = spearmanMatrix(FEATURE_NAMES.map((name) => simulated.columns[name]));
    const adjusted = profile.latentCorrelation.map((row, i) =>
      row.map((value, j) => (i === j ? 1 : clamp(value + rankCorrelation[i][j] - achieved[i][j], -0.999, 0.999))),
    );
    profile.latentCorrelation = nearestCorrelation(adjusted);
  }
  profile.latentCorrelation = roundMatrix(profile.latentCorrelation);

  // Solve mean(sigmoid(eta + shift)) = baseRate over generated applicants (Newton steps).
  const simulated = generateColumns(profile, CALIBRATION_ROWS, { seed: seed + CALIBRATION_ROUNDS });
  for (let step = 0; step < 20; step++) {
    const probabilities = predictProbabilities(profile.defaultModel, simulated.columns);
    let mean = 0;
    let slope = 0;
    for (const p of probabilities) {
      mean += p;
      slope += p * (1 - p);
    }
    mean /= probabilities.length;
    slope /= probabilities.length;
    if (Math.abs(mean - baseRate) < 1e-7) break;
    profile.defaultModel.intercept -= (mean - baseRate) / slope;
  }
  return profile;
}

function fitMarginal(column: Float64Array, discrete: boolean): Marginal {
  const sorted = Float64Array.from(column).sort();
  const counts = new Map<number, number>();
  for (const value of sorted) counts.set(value, (counts.get(value) ?? 0) + 1);
  if (discrete || counts.size <= CATEGORICAL_LIMIT) {
    const values = [...counts.keys()].sort((a, b) => a - b);
    return { kind: 'categorical', values, probabilities: values.map((v) => (counts.get(v) ?? 0) / sorted.length) };
  }
  const quantiles: number[] = [];
  for (let k = 0; k < QUANTILE_POINTS; k++) {
    // Type 7 (linear interpolation between order statistics), numpy's default.
    const position = (k / (QUANTILE_POINTS - 1)) * (sorted.length - 1);
    const low = Math.floor(position);
    const high = Math.min(low + 1, sorted.length - 1);
    quantiles.push(sorted[low] + (position - low) * (sorted[high] - sorted[low]));
  }
  return { kind: 'quantile', integer: sorted.every((v) => Number.isInteger(v)), quantiles: quantiles.map((q) => round(q, 6)) };
}

function roundMatrix(matrix: number[][]): number[][] {
  return matrix.map((row) => row.map((value) => round(value, 6)));
}

function round(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}
