/**
 * Descriptive statistics on numeric columns: moments and quantiles. Quantiles use linear
 * interpolation between order statistics (Hyndman & Fan type 7), the default of numpy, R and
 * simple-statistics, so profile numbers can be checked by hand in any of them.
 */
import { CompensatedSum } from './summation';

export interface Moments {
  count: number;
  mean: number;
  /** Sample standard deviation (n − 1 denominator); 0 for a single value. */
  sd: number;
  min: number;
  max: number;
}

/**
 * Mean, sample sd, min and max in two passes (the second pass avoids the naive formula's
 * cancellation). Empty input, or any NaN or ±Infinity, gives NaN for all four (count stays the
 * number of values): a NaN is skipped by every comparison, so min and max would otherwise ignore it.
 */
export function moments(values: ArrayLike<number>): Moments {
  const n = values.length;
  if (n === 0) return { count: 0, mean: NaN, sd: NaN, min: NaN, max: NaN };
  const total = new CompensatedSum();
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!(v - v === 0)) return { count: n, mean: NaN, sd: NaN, min: NaN, max: NaN };
    total.add(v);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = total.value / n;
  const squares = new CompensatedSum();
  for (let i = 0; i < n; i++) {
    const d = values[i] - mean;
    squares.add(d * d);
  }
  const sd = n > 1 ? Math.sqrt(squares.value / (n - 1)) : 0;
  return { count: n, mean, sd, min, max };
}

/**
 * Type-7 quantile of ascending-sorted values; p is clamped to [0, 1]. RangeError for a NaN p. NaN
 * when the sample is empty or not finite: an ascending array holds its non-finite values at its
 * ends (−Infinity first; +Infinity and NaN last, where `sortFloat64InPlace` and
 * Float64Array.prototype.sort put NaN), so only those two are checked, keeping the call O(1).
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  if (Number.isNaN(p)) throw new RangeError('quantileSorted: p must be a number in [0, 1], got NaN');
  const n = sorted.length;
  if (n === 0) return NaN;
  if (!Number.isFinite(sorted[0]) || !Number.isFinite(sorted[n - 1])) return NaN;
  if (p <= 0) return sorted[0];
  if (p >= 1) return sorted[n - 1];
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const fraction = h - lo;
  const a = sorted[lo];
  if (fraction === 0 || lo + 1 >= n) return a;
  return a + fraction * (sorted[lo + 1] - a);
}

/** Several type-7 quantiles of ascending-sorted values (errors and NaN as `quantileSorted`). */
export function quantilesSorted(sorted: ArrayLike<number>, probabilities: ReadonlyArray<number>): number[] {
  return probabilities.map((p) => quantileSorted(sorted, p));
}
