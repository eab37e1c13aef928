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

/** Mean, sample sd, min and max in two passes (the second pass avoids the naive formula's cancellation). */
export function moments(values: ArrayLike<number>): Moments {
  const n = values.length;
  if (n === 0) return { count: 0, mean: NaN, sd: NaN, min: NaN, max: NaN };
  const total = new CompensatedSum();
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i];
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

/** Type-7 quantile of ascending-sorted values, p in [0, 1]. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  if (p <= 0) return sorted[0];
  if (p >= 1) return sorted[n - 1];
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const fraction = h - lo;
  const a = sorted[lo];
  if (fraction === 0 || lo + 1 >= n) return a;
  return a + fraction * (sorted[lo + 1] - a);
}

/** Several type-7 quantiles of ascending-sorted values. */
export function quantilesSorted(sorted: ArrayLike<number>, probabilities: ReadonlyArray<number>): number[] {
  return probabilities.map((p) => quantileSorted(sorted, p));
}
