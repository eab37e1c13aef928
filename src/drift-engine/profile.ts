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
import { moments, quantilesSorted } from '../stats/descriptive';
import { sortFloat64InPlace } from '../stats/sorting';
import { countCategories, histogramEdges, histogramFromSorted, psiBinsFromSorted } from './binning';
import { ColumnKind } from './columns';
import {
  BASELINE_PROFILE_VERSION,
  BaselineProfile,
  ColumnProfile,
  DiscreteColumnProfile,
  NumericColumnProfile,
  PROFILE_QUANTILE_PROBABILITIES,
  PROFILE_SAMPLE_LIMIT,
} from './profile-types';

export interface BuildProfileOptions {
  /** Override the sample limit (tests use small limits to exercise the sketch path). */
  sampleLimit?: number;
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
export function quantileSample(sorted: Float64Array, size: number): number[] {
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
  return {
    kind: 'numeric',
    ...summary(sorted, nonFinite),
    sample: quantileSample(sorted, sampleLimit),
    sampleIsComplete: sorted.length <= sampleLimit,
    psiBins: psiBinsFromSorted(sorted),
    histogram: sorted.length > 0 ? histogramFromSorted(sorted) : { edges: histogramEdges(NaN, NaN), counts: [0] },
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
  return { version: BASELINE_PROFILE_VERSION, rowCount, sampleLimit, columns: profiles };
}
