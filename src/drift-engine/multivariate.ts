/**
 * Joint-distribution drift: the one column per-feature tests cannot replace.
 *
 * Every per-feature test is blind to a change in how features relate while each one's own
 * distribution stays the same (incomes attached to the wrong applications by an upstream join,
 * loan stacking). This column catches it, in the spirit of NannyML's data-reconstruction drift:
 *
 * 1. Each feature is mapped to a normal score through the baseline's own distribution (a Gaussian
 *    copula transform: Φ⁻¹ of the mid-rank of the baseline mass at the value, on a step table of
 *    ≤ 200 bins). Skew, outliers and discrete features stop mattering; monotone relations (income
 *    and loan amount, Spearman 0.95) become linear ones.
 * 2. PCA on the correlation of those scores, fitted on half of the baseline rows. The leading
 *    components that explain 65% of the variance (NannyML's default) are the data's structure; a
 *    row's reconstruction error is what is left outside them, measured in the residual
 *    components' own standard deviations (the Mahalanobis distance of the residual). Healthy rows
 *    sit close to the structure; a broken relation puts rows where the baseline had almost no
 *    variance, and their error grows many times over.
 * 3. The errors of the held-out half of the baseline are the reference distribution: the
 *    `multivariate` column of the profile, judged by exactly the same tests and gates as a
 *    numeric column (two-sample KS in the Holm family, noise-corrected Wasserstein in reference
 *    SDs, PSI), on batches and windows alike. Held-out errors, not the fit rows' own: errors on
 *    the rows PCA was fitted to are biased small and would make every batch look drifted.
 *
 * Everything is fitted when the baseline is created; nothing comes from the current data. A row
 * with a non-finite feature has a non-finite error (then the column is not evaluated, like any
 * column with non-finite values). The error is a fixed function of the row (table lookups and a
 * sum of squares), so PostgreSQL computes it identically for window checks on unprofiled batches.
 */
import { normalQuantile } from '../stats/normal-distribution';
import { gridBin } from './grid';
import type { BaselineProfile } from './profile-types';

export const MULTIVARIATE_COLUMN = 'multivariate';

/** Share of the variance the kept (structure) components explain, as NannyML's default. */
export const MULTIVARIATE_EXPLAINED_VARIANCE = 0.65;

/** Bins of each feature's normal-score table. */
export const MULTIVARIATE_TRANSFORM_BINS = 200;

/**
 * Below this many rows the multivariate column is INSUFFICIENT_DATA (the batch's other columns
 * still run from minSampleSize): one row's error says little about a relation, and at 50 rows the
 * broken relations of the calibration benchmark are already caught in 83–100% of batches.
 */
export const MULTIVARIATE_MIN_ROWS = 50;

/** Fewer complete baseline rows than this and no multivariate model is fitted (half fit, half reference). */
export const MULTIVARIATE_MIN_BASELINE_ROWS = 200;

/** At most this many rows fit the PCA and as many give the reference errors (evenly spaced rows). */
export const MULTIVARIATE_MAX_FIT_ROWS = 10_000;

/**
 * Residual variances are floored at this share of one standardised feature's variance, so a
 * (nearly) deterministic relation in the baseline cannot give a row's error an unbounded weight.
 */
const RESIDUAL_VARIANCE_FLOOR = 0.01;

/** Step table: bins right-closed on `edges` (as the drift grid), one normal score per bin. */
export interface NormalScoreTable {
  edges: number[];
  scores: number[];
}

export interface MultivariateModel {
  method: 'pca_residual_mahalanobis';
  /** Columns the model reads, in order. */
  features: string[];
  transforms: NormalScoreTable[];
  /** Mean normal score of each feature on the fit rows. */
  center: number[];
  /**
   * One row per residual component: its loadings divided by the component's standard deviation
   * and by the feature's score SD, so error = Σ_k (Σ_j loadings[k][j]·(score_j − center_j))².
   */
  loadings: number[][];
  /** Components kept as structure and the variance share they explain. */
  componentsKept: number;
  explainedVariance: number;
  fitRows: number;
  referenceRows: number;
}

/** Normal-score table from ascending finite values. */
export function normalScoreTable(sorted: Float64Array, bins = MULTIVARIATE_TRANSFORM_BINS): NormalScoreTable {
  const n = sorted.length;
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    const value = sorted[Math.max(0, Math.ceil((k * n) / bins) - 1)];
    if (edges.length === 0 || value > edges[edges.length - 1]) edges.push(value);
  }
  if (edges.length === 0 || sorted[n - 1] > edges[edges.length - 1]) edges.push(sorted[n - 1]);
  // Mass at or below each edge (right-closed bins), then the mid-rank of each bin's mass.
  const atOrBelow = edges.map((edge) => upperBoundOf(sorted, edge) / n);
  const clampLow = 0.5 / n;
  const scores = new Array<number>(edges.length + 1);
  for (let i = 0; i <= edges.length; i++) {
    const below = i === 0 ? 0 : atOrBelow[i - 1];
    const above = i < edges.length ? atOrBelow[i] : 1;
    const mid = (below + above) / 2;
    scores[i] = normalQuantile(Math.min(Math.max(mid, clampLow), 1 - clampLow));
  }
  return { edges, scores };
}

function upperBoundOf(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations (values descending). */
export function symmetricEigen(matrix: ReadonlyArray<ReadonlyArray<number>>): { values: number[]; vectors: number[][] } {
  const n = matrix.length;
  const a = matrix.map((row) => row.slice());
  const v: number[][] = matrix.map((_, i) => matrix.map((__, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let scale = 0;
    for (let i = 0; i < n; i++) {
      scale += a[i][i] * a[i][i];
      for (let j = i + 1; j < n; j++) off += a[i][j] * a[i][j];
    }
    if (off <= 1e-30 * Math.max(scale, 1e-300)) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (a[p][q] === 0) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k][p];
          const vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = a.map((_, i) => i).sort((x, y) => a[y][y] - a[x][x] || x - y);
  return { values: order.map((i) => a[i][i]), vectors: order.map((i) => v.map((row) => row[i])) };
}

/**
 * Positions (into the complete rows) of the fit half and the reference half: consecutive pairs,
 * the first of each pair fitting and the second giving a reference error; beyond
 * 2 × MULTIVARIATE_MAX_FIT_ROWS rows the pairs are spread evenly over the baseline.
 */
export function multivariateSplit(completeRows: number): { fit: number[]; reference: number[] } {
  const pairs = Math.min(Math.floor(completeRows / 2), MULTIVARIATE_MAX_FIT_ROWS);
  const stride = completeRows / pairs;
  const fit: number[] = [];
  const reference: number[] = [];
  for (let k = 0; k < pairs; k++) {
    const first = Math.floor(k * stride);
    fit.push(first);
    reference.push(first + 1);
  }
  return { fit, reference };
}

/**
 * Fits the multivariate model on baseline columns and returns it with the reference errors
 * (ascending), or null when fewer than MULTIVARIATE_MIN_BASELINE_ROWS rows have every feature
 * finite. Rows are split in pairs (multivariateSplit), so a baseline gives the same model whichever
 * process profiles it, from its columns here or from logged rows in PostgreSQL.
 */
export function fitMultivariateModel(
  columns: Readonly<Record<string, Float64Array>>,
  features: ReadonlyArray<string>,
): { model: MultivariateModel; referenceErrors: Float64Array } | null {
  const present = features.filter((name) => columns[name] !== undefined);
  if (present.length < 2) return null;
  const rows = Math.min(...present.map((name) => columns[name].length));
  const complete: number[] = [];
  for (let i = 0; i < rows; i++) {
    let finite = true;
    for (const name of present) {
      const v = columns[name][i];
      if (v - v !== 0) finite = false;
    }
    if (finite) complete.push(i);
  }
  if (complete.length < MULTIVARIATE_MIN_BASELINE_ROWS) return null;
  const split = multivariateSplit(complete.length);
  const fit = split.fit.map((k) => complete[k]);
  const reference = split.reference.map((k) => complete[k]);
  const d = present.length;

  const transforms = present.map((name) => {
    const values = Float64Array.from(fit, (i) => columns[name][i]).sort();
    return normalScoreTable(values);
  });
  const scoresOf = (indices: number[]): Float64Array[] =>
    present.map((name, j) => Float64Array.from(indices, (i) => transforms[j].scores[gridBin(transforms[j].edges, columns[name][i])]));
  const fitScores = scoresOf(fit);
  const center = fitScores.map((s) => s.reduce((acc, v) => acc + v, 0) / s.length);
  const covariance = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let r = 0; r < fit.length; r++) {
    for (let i = 0; i < d; i++) {
      const ci = fitScores[i][r] - center[i];
      for (let j = i; j < d; j++) covariance[i][j] += ci * (fitScores[j][r] - center[j]);
    }
  }
  for (let i = 0; i < d; i++) for (let j = i; j < d; j++) covariance[j][i] = covariance[i][j] /= fit.length - 1;
  // Unit scale for a feature constant on the fit rows (its loadings are zeroed below).
  const sd = covariance.map((row, i) => (row[i] > 0 ? Math.sqrt(row[i]) : 1));
  const correlation = covariance.map((row, i) => row.map((c, j) => c / (sd[i] * sd[j])));
  const { values, vectors } = symmetricEigen(correlation);
  const total = values.reduce((acc, v) => acc + Math.max(v, 0), 0);
  let kept = 0;
  let explained = 0;
  while (kept < d - 1 && explained < MULTIVARIATE_EXPLAINED_VARIANCE * total) explained += Math.max(values[kept++], 0);
  // A feature constant on the fit rows has no relation to test: zero loadings keep it out of the
  // error (else any other value would weigh like a broken relation through the variance floor).
  const constant = covariance.map((row, i) => !(row[i] > 0));
  const loadings: number[][] = [];
  for (let k = kept; k < d; k++) {
    const scale = Math.sqrt(Math.max(values[k], RESIDUAL_VARIANCE_FLOOR));
    loadings.push(vectors[k].map((v, j) => (constant[j] ? 0 : v / scale / sd[j])));
  }
  const model: MultivariateModel = {
    method: 'pca_residual_mahalanobis',
    features: present,
    transforms,
    center,
    loadings,
    componentsKept: kept,
    explainedVariance: total > 0 ? explained / total : 0,
    fitRows: fit.length,
    referenceRows: reference.length,
  };
  const referenceErrors = multivariateErrors(model, columns, reference).sort();
  return { model, referenceErrors };
}

/**
 * A step table ready for lookups over every row: the edges, the scores, and a bucket index over
 * [first edge, last edge] in equal-width buckets, each holding the number of edges strictly below
 * its start. A lookup is then one multiplication and a scan over the few edges inside one bucket,
 * instead of a binary search whose unpredictable branches dominate the cost of a batch.
 */
interface CompiledTable {
  edges: Float64Array;
  scores: Float64Array;
  first: number;
  last: number;
  bucketsPerUnit: number;
  below: Uint32Array;
}

/** The model as typed arrays, built once per model object (the hot path runs over every row). */
interface CompiledModel {
  tables: CompiledTable[];
  center: Float64Array;
  loadings: Float64Array[];
}

const LOOKUP_BUCKETS = 4096;
const compiledModels = new WeakMap<MultivariateModel, CompiledModel>();

function compileTable(table: NormalScoreTable): CompiledTable {
  const edges = Float64Array.from(table.edges);
  const first = edges[0];
  const last = edges[edges.length - 1];
  const span = last - first;
  const bucketsPerUnit = span > 0 && Number.isFinite(span) ? LOOKUP_BUCKETS / span : 0;
  const below = new Uint32Array(LOOKUP_BUCKETS + 1);
  let count = 0;
  for (let b = 0; b <= LOOKUP_BUCKETS; b++) {
    // Bucket b covers values from first + b / bucketsPerUnit; edges below that start are passed.
    const start = bucketsPerUnit > 0 ? first + b / bucketsPerUnit : first;
    while (count < edges.length && edges[count] < start) count++;
    below[b] = count;
  }
  return { edges, scores: Float64Array.from(table.scores), first, last, bucketsPerUnit, below };
}

function compiled(model: MultivariateModel): CompiledModel {
  let found = compiledModels.get(model);
  if (!found) {
    found = {
      tables: model.transforms.map(compileTable),
      center: Float64Array.from(model.center),
      loadings: model.loadings.map((row) => Float64Array.from(row)),
    };
    compiledModels.set(model, found);
  }
  return found;
}

/** Right-closed bin of x (finite) on the table's edges: the number of edges strictly below x, as gridBin. */
function binOf(table: CompiledTable, x: number): number {
  const edges = table.edges;
  if (x <= table.first) return 0;
  if (x > table.last) return edges.length;
  // Start from the previous bucket's count: a lower bound on the answer even when rounding put x
  // one bucket late, then step over the edges still below x (x ≤ last stops the scan).
  const bucket = Math.floor((x - table.first) * table.bucketsPerUnit);
  let bin = table.below[Math.max(0, Math.min(LOOKUP_BUCKETS, bucket) - 1)];
  while (edges[bin] < x) bin++;
  return bin;
}

/**
 * Each row's reconstruction error (NaN when a feature is non-finite; when a feature is missing,
 * every requested row is NaN, and without `rows` the result is empty). `rows`: the row indices to score (default: every row). For each row the sums run
 * in a fixed order (features j ascending inside each component k, components ascending), which
 * PostgreSQL repeats in prediction-logs.repository.ts, so both compute the same doubles.
 */
export function multivariateErrors(
  model: MultivariateModel,
  columns: Readonly<Record<string, Float64Array | undefined>>,
  rows?: ReadonlyArray<number>,
): Float64Array {
  const inputs = model.features.map((name) => columns[name]);
  const length = rows ? rows.length : Math.min(...inputs.map((c) => c?.length ?? 0));
  const out = new Float64Array(length);
  if (inputs.some((c) => c === undefined)) return out.fill(NaN);
  const { tables, center, loadings } = compiled(model);
  // Column-major: one pass per feature fills its centred scores, then one pass per component.
  const centered = inputs.map((input, j) => {
    const values = input as Float64Array;
    const scored = new Float64Array(length);
    for (let r = 0; r < length; r++) {
      const v = values[rows ? rows[r] : r];
      scored[r] = v - v === 0 ? tables[j].scores[binOf(tables[j], v)] - center[j] : NaN;
    }
    return scored;
  });
  const projection = new Float64Array(length);
  for (const weights of loadings) {
    projection.fill(0);
    for (let j = 0; j < weights.length; j++) {
      const w = weights[j];
      const c = centered[j];
      for (let r = 0; r < length; r++) projection[r] += w * c[r];
    }
    for (let r = 0; r < length; r++) out[r] += projection[r] * projection[r];
  }
  return out;
}

/**
 * The current columns plus the `multivariate` column derived from them when the profile has a
 * model and every feature it reads is present (otherwise the column is missing, and reported so).
 */
export function withMultivariateColumn<T extends Float64Array | undefined>(
  profile: BaselineProfile,
  current: Readonly<Record<string, T>>,
): Readonly<Record<string, T | Float64Array>> {
  const model = profile.multivariate;
  if (!model || !profile.columns[MULTIVARIATE_COLUMN] || current[MULTIVARIATE_COLUMN] !== undefined) return current;
  if (model.features.some((name) => current[name] === undefined)) return current;
  return { ...current, [MULTIVARIATE_COLUMN]: multivariateErrors(model, current) };
}
