/**
 * Builds the baseline profile from reference columns.
 *
 * Numeric columns keep their sorted values so that the check can run exact two-sample tests.
 * Above PROFILE_SAMPLE_LIMIT (20,000) rows only an evenly spaced quantile sample of 20,000 sorted
 * values is kept. Consequences for the KS test, handled in the check:
 * - The sample's ECDF equals the full baseline ECDF to within 0.5/20,000 everywhere (it is a
 *   deterministic quantile sketch, not a random subsample), so the KS statistic is accurate to
 *   ±5e-5, and the check deducts a 1/20,000 tolerance before computing the p-value, which can
 *   only make the test more conservative.
 * - The reference sample size in the p-value is the full baseline row count, not 20,000: the
 *   uncertainty of the reference ECDF is that of the full baseline. Treating the sketch as a
 *   random sample of 20,000 would overstate it, and treating it as exact (a one-sample test)
 *   would understate it for baselines of similar size to the batch.
 * - With a sketch the exact lattice p-value does not apply; the asymptotic Kolmogorov p-value is
 *   used with the effective size round(N·n/(N+n)). For N > 20,000 it is accurate whenever the
 *   batch is large enough for a p-value to matter.
 * The same sketch bounds the Wasserstein error by 0.5/20,000 of the baseline range.
 */
import { FEATURE_NAMES } from '../model/features';
import { moments, quantilesSorted } from '../stats/descriptive';
import { sortFloat64InPlace } from '../stats/sorting';
import { countCategories, histogramEdges, histogramFromSorted, PSI_PROBABILITIES, psiBinsFromSorted, psiEdgesFromSorted } from './binning';
import { ColumnKind } from './columns';
import { GRID_QUANTILE_BINS, gridEdgesFromSorted, gridFromSorted, gridLayout, requiredGridEdges } from './grid';
import { fitMultivariateModel, MULTIVARIATE_COLUMN } from './multivariate';
import {
  BASELINE_PROFILE_VERSION,
  BaselineProfile,
  ColumnProfile,
  DiscreteColumnProfile,
  NumericColumnProfile,
  PROFILE_QUANTILE_PROBABILITIES,
  PROFILE_SAMPLE_LIMIT,
} from './profile-types';
import { DataSketch, SketchColumnSpec } from './sketch';

export interface BuildProfileOptions {
  /** Override the sample limit (tests use small limits to exercise the sketch path). */
  sampleLimit?: number;
  /**
   * Columns the joint-distribution model reads (multivariate.ts); default: the model features
   * among the given columns. Fewer than two, or too few complete rows: no multivariate column.
   */
  multivariateFeatures?: ReadonlyArray<string>;
}

/** Finite values of a column, sorted ascending, plus the number of rows dropped. */
function finiteSorted(values: ArrayLike<number>): { sorted: Float64Array; nonFinite: number } {
  const finite = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v === 0) finite[n++] = v;
  }
  return { sorted: sortFloat64InPlace(finite.subarray(0, n).slice()), nonFinite: values.length - n };
}

/** Evenly spaced quantile sample of an ascending array: sorted[floor((i + 0.5)·n / size)]. */
export function quantileSample(sorted: ArrayLike<number>, size: number): number[] {
  const n = sorted.length;
  if (n <= size) return Array.from(sorted);
  const sample = new Array<number>(size);
  for (let i = 0; i < size; i++) sample[i] = sorted[Math.floor(((i + 0.5) * n) / size)];
  return sample;
}

function summary(sorted: Float64Array, nonFinite: number) {
  const m = moments(sorted);
  const quantileValues = quantilesSorted(sorted, PROFILE_QUANTILE_PROBABILITIES);
  return {
    count: m.count,
    nonFiniteCount: nonFinite,
    mean: m.mean,
    sd: m.sd,
    min: m.min,
    max: m.max,
    quantiles: PROFILE_QUANTILE_PROBABILITIES.map((p, i) => ({ p, value: quantileValues[i] })),
  };
}

function numericProfile(sorted: Float64Array, nonFinite: number, sampleLimit: number): NumericColumnProfile {
  const psiBins = psiBinsFromSorted(sorted);
  const histogram = sorted.length > 0 ? histogramFromSorted(sorted) : { edges: histogramEdges(NaN, NaN), counts: [0] };
  return {
    kind: 'numeric',
    ...summary(sorted, nonFinite),
    sample: quantileSample(sorted, sampleLimit),
    sampleIsComplete: sorted.length <= sampleLimit,
    psiBins,
    histogram,
    grid: gridFromSorted(sorted, { psiBins, histogram }),
  };
}

function discreteProfile(sorted: Float64Array, nonFinite: number): DiscreteColumnProfile {
  const { categories, counts } = countCategories(sorted);
  return { kind: 'discrete', ...summary(sorted, nonFinite), categories, counts };
}

/**
 * Profiles every column in `columns`. Columns without an entry in `kinds` are treated as numeric.
 * Non-finite values are excluded (and counted). Throws if a column has no finite value at all,
 * since nothing could ever be compared against it.
 */
export function buildBaselineProfile(
  columns: Record<string, Float64Array>,
  kinds: Record<string, ColumnKind>,
  options: BuildProfileOptions = {},
): BaselineProfile {
  const sampleLimit = options.sampleLimit ?? PROFILE_SAMPLE_LIMIT;
  const profiles: Record<string, ColumnProfile> = {};
  let rowCount = 0;
  for (const [name, values] of Object.entries(columns)) {
    rowCount = Math.max(rowCount, values.length);
    const { sorted, nonFinite } = finiteSorted(values);
    if (sorted.length === 0) throw new RangeError(`Baseline column "${name}" has no finite values`);
    profiles[name] =
      (kinds[name] ?? 'numeric') === 'discrete' ? discreteProfile(sorted, nonFinite) : numericProfile(sorted, nonFinite, sampleLimit);
  }
  return withMultivariateModel({ version: BASELINE_PROFILE_VERSION, rowCount, sampleLimit, columns: profiles }, columns, options);
}

/**
 * Adds the joint-distribution model and its `multivariate` column to a profile, fitted on
 * `columns` (every baseline row, or for baselines from logs the rows at the positions
 * multivariateSplit names, in order: the same model either way).
 */
export function withMultivariateModel(
  profile: BaselineProfile,
  columns: Readonly<Record<string, Float64Array>>,
  options: BuildProfileOptions = {},
): BaselineProfile {
  const features = options.multivariateFeatures ?? FEATURE_NAMES.filter((name) => columns[name] !== undefined);
  const fitted = fitMultivariateModel(columns, features);
  if (!fitted) return profile;
  return {
    ...profile,
    columns: { ...profile.columns, [MULTIVARIATE_COLUMN]: numericProfile(fitted.referenceErrors, 0, profile.sampleLimit) },
    multivariate: fitted.model,
  };
}

/**
 * Profiles from order statistics: how a baseline is built from millions of logged rows without
 * loading them (PostgreSQL sorts and returns only the values at these positions; see
 * BaselineReinitializationService). A profile depends on a column's values only through its
 * count, mean and sd, the values at the positions below and its counts on the grid; so the
 * result equals buildBaselineProfile on the same rows (up to the order of floating-point sums in
 * mean and sd; report-histogram counts come from grid bins, which can differ for values lying
 * exactly on a histogram edge).
 */

/** 0-based ascending positions a column of `count` values is profiled from. */
export function orderStatisticPositions(count: number, kind: ColumnKind, sampleLimit = PROFILE_SAMPLE_LIMIT): number[] {
  const positions = new Set<number>([0, count - 1]);
  for (const p of PROFILE_QUANTILE_PROBABILITIES) {
    const lo = Math.floor((count - 1) * p);
    positions.add(lo);
    if (lo + 1 < count) positions.add(lo + 1);
  }
  if (kind === 'numeric') {
    if (count <= sampleLimit) for (let k = 0; k < count; k++) positions.add(k);
    else for (let i = 0; i < sampleLimit; i++) positions.add(Math.floor(((i + 0.5) * count) / sampleLimit));
    for (const p of PSI_PROBABILITIES) positions.add(Math.max(0, Math.ceil(p * count) - 1));
    // The same integer-exact position as gridEdgesFromSorted.
    for (let k = 1; k < GRID_QUANTILE_BINS; k++) positions.add(Math.max(0, Math.ceil((k * count) / GRID_QUANTILE_BINS) - 1));
  }
  return Array.from(positions).sort((a, b) => a - b);
}

export interface OrderStatistics {
  kind: ColumnKind;
  count: number;
  mean: number;
  sd: number;
  /** Value at each position orderStatisticPositions asked for. */
  values: ReadonlyMap<number, number>;
}

/** An ascending "array" that holds only the requested positions; reading any other is a bug. */
function sparseSorted(count: number, values: ReadonlyMap<number, number>): ArrayLike<number> {
  const view: { length: number; [index: number]: number } = { length: count };
  for (const [k, v] of values) view[k] = v;
  return new Proxy(view, {
    get(target, key) {
      if (typeof key === 'string' && key !== 'length' && /^\d+$/.test(key) && !(key in target)) {
        throw new RangeError(`order statistic ${key} of ${count} was not fetched`);
      }
      return target[key as unknown as number];
    },
  });
}

/**
 * First step: everything but the counts, and the columns' bins for counting them (a numeric
 * column's grid, a discrete column's values). Second step, `complete`: the counts (a sketch of
 * the same rows on those bins, e.g. from PostgreSQL) give the finished profile.
 */
export function profileFromOrderStatistics(
  columns: Record<string, OrderStatistics>,
  sampleLimit = PROFILE_SAMPLE_LIMIT,
): { specs: SketchColumnSpec[]; complete(counts: DataSketch): BaselineProfile } {
  const partial: Record<string, ColumnProfile> = {};
  let rowCount = 0;
  for (const [name, stats] of Object.entries(columns)) {
    if (stats.count === 0) throw new RangeError(`Baseline column "${name}" has no finite values`);
    rowCount = Math.max(rowCount, stats.count);
    const sorted = sparseSorted(stats.count, stats.values);
    const quantileValues = quantilesSorted(sorted, PROFILE_QUANTILE_PROBABILITIES);
    const summary = {
      count: stats.count,
      nonFiniteCount: 0,
      mean: stats.mean,
      sd: stats.count > 1 ? stats.sd : 0,
      min: sorted[0],
      max: sorted[stats.count - 1],
      quantiles: PROFILE_QUANTILE_PROBABILITIES.map((p, i) => ({ p, value: quantileValues[i] })),
    };
    if (stats.kind === 'discrete') {
      partial[name] = { kind: 'discrete', ...summary, categories: [], counts: [] };
      continue;
    }
    const psiEdges = psiEdgesFromSorted(sorted);
    const histogram = { edges: histogramEdges(summary.min, summary.max), counts: [] as number[] };
    const psiBins = { edges: psiEdges, counts: [] as number[] };
    partial[name] = {
      kind: 'numeric',
      ...summary,
      sample: quantileSample(sorted, sampleLimit),
      sampleIsComplete: stats.count <= sampleLimit,
      psiBins,
      histogram,
      grid: { edges: gridEdgesFromSorted(sorted, requiredGridEdges({ psiBins, histogram })), counts: [] },
    };
  }
  const specs: SketchColumnSpec[] = Object.entries(partial).map(([name, column]) =>
    column.kind === 'discrete' ? { name, kind: 'discrete' } : { name, kind: 'numeric', edges: column.grid!.edges },
  );
  const complete = (counted: DataSketch): BaselineProfile => {
    const profiles: Record<string, ColumnProfile> = {};
    for (const [name, column] of Object.entries(partial)) {
      const sketch = counted.columns[name];
      if (!sketch || sketch.count !== column.count) throw new RangeError(`counts for "${name}" do not cover its ${column.count} rows`);
      if (column.kind === 'discrete' && sketch.kind === 'discrete') {
        const categories = Array.from(sketch.categories.keys()).sort((a, b) => a - b);
        profiles[name] = { ...column, categories, counts: categories.map((c) => sketch.categories.get(c) as number) };
      } else if (column.kind === 'numeric' && sketch.kind === 'numeric') {
        const gridCounts = Array.from(sketch.counts);
        const withGrid: NumericColumnProfile = {
          ...column,
          grid: { edges: column.grid!.edges, counts: gridCounts, atUpperEdge: Array.from(sketch.atUpperEdge) },
        };
        const psiCounts = new Array<number>(column.psiBins.edges.length + 1).fill(0);
        const histogramCounts = new Array<number>(Math.max(1, column.histogram.edges.length - 1)).fill(0);
        const grid = gridLayout(column.grid!.edges, column);
        gridCounts.forEach((c, j) => {
          psiCounts[grid.psiBinOf[j]] += c;
          histogramCounts[grid.histogramBinOf[j]] += c;
        });
        profiles[name] = {
          ...withGrid,
          psiBins: { edges: column.psiBins.edges, counts: psiCounts },
          histogram: { edges: column.histogram.edges, counts: histogramCounts },
        };
      } else throw new RangeError(`column "${name}" was counted as ${sketch.kind}, profiled as ${column.kind}`);
    }
    return { version: BASELINE_PROFILE_VERSION, rowCount, sampleLimit, columns: profiles };
  };
  return { specs, complete };
}
