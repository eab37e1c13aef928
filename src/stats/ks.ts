/**
 * Two-sample Kolmogorov–Smirnov test, two-sided, reproducing scipy.stats.ks_2samp (SciPy 1.10,
 * method='auto').
 *
 * Statistic: D = sup_x |F_a(x) − F_b(x)| over right-continuous empirical CDFs. Ties are handled by
 * advancing past every copy of a value in both samples before comparing the CDFs, which is what
 * SciPy's `searchsorted(..., side='right')` does; comparing element by element would report
 * spurious gaps inside a run of tied values.
 *
 * p-value ('auto'): exact when max(n1, n2) ≤ 10,000 — lattice-path counting for the two-sided
 * alternative (Hodges 1958; Viehmann 2021 recursion for 1 − p, which avoids the catastrophic
 * cancellation of computing p as 1 − Pr(inside)), with a closed alternating sum when n1 = n2 —
 * falling back to the asymptotic value if the exact computation fails numerically; otherwise
 * asymptotic: `kstwo.sf(D, round(n1·n2/(n1+n2)))`.
 */
import { kolmogorovNSurvival } from './kolmogorov-distribution';
import { sortedCopy } from './sorting';

/** SciPy's MAX_AUTO_N: above this sample size the exact lattice count is too slow. */
export const KS_MAX_EXACT_N = 10000;

export type KsPValueMethod = 'exact' | 'asymptotic';

export interface KsTestResult {
  /** sup |F_a − F_b|; on the exact path rounded to the lattice h/lcm(n1, n2) as SciPy reports it. */
  statistic: number;
  pValue: number;
  method: KsPValueMethod;
}

export interface KsSortedOptions {
  /**
   * Sample sizes to use for the p-value when an array stands in for a larger sample (e.g. a
   * 20,000-value quantile sketch of a 100,000-row baseline). When set and different from the array
   * length, the exact lattice count does not apply and the asymptotic p-value is used.
   */
  effectiveSizeA?: number;
  effectiveSizeB?: number;
  /** Subtracted from D before computing the p-value (a known bound on sketch error); default 0. */
  statisticTolerance?: number;
  /**
   * Use the asymptotic p-value when n1·n2 exceeds this. The exact path costs O(n1·n2) (tens of
   * milliseconds per column at 5,000 × 10,000), while at such sizes the two p-values differ by
   * well under 0.001. Unset: SciPy's rule (exact whenever max(n1, n2) <= 10,000).
   */
  maxExactCells?: number;
}

/** KS statistic of two ascending-sorted samples in one O(n1 + n2) merge. */
export function ksStatisticSorted(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return NaN;
  let i = 0;
  let j = 0;
  let maxDiff = 0;
  let minDiff = 0;
  while (i < n1 && j < n2) {
    const ai = a[i];
    const bj = b[j];
    const v = ai <= bj ? ai : bj;
    while (i < n1 && a[i] <= v) i++;
    while (j < n2 && b[j] <= v) j++;
    const diff = i / n1 - j / n2;
    if (diff > maxDiff) maxDiff = diff;
    else if (diff < minDiff) minDiff = diff;
  }
  // Once one sample is exhausted its CDF is 1 and the gap can only shrink from here.
  return Math.max(maxDiff, -minDiff);
}

function gcd(x: number, y: number): number {
  let a = x;
  let b = y;
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** numpy.round semantics (half to even), used by SciPy to pick the integer n of kstwo. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Pr(D ≥ h/n) for two samples of equal size n: 2·Σ_k (−1)^{k+1} C(2n, n − k·h)/C(2n, n), evaluated
 * with a Horner-like nesting so that no term is ever a large binomial coefficient.
 */
function probabilityOutsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let term = 1;
    for (let j = 0; j < h; j++) term = ((n - k * h - j) * term) / (n + k * h + j + 1);
    p = term * (1 - p);
  }
  return 2 * p;
}

/**
 * Proportion of monotone lattice paths from (0,0) to (m,n) that leave the band |x/m − y/n| < h/lcm,
 * i.e. Pr(D ≥ h/lcm). Viehmann's recursion carries 1 − (paths inside)/(all paths) column by column
 * in a sliding window, so small p-values keep full relative precision.
 */
function probabilityOutsideBand(mIn: number, nIn: number, g: number, h: number): number {
  const m = Math.max(mIn, nIn);
  const n = Math.min(mIn, nIn);
  const mg = m / g;
  const ng = n / g;
  let minJ = 0;
  let maxJ = Math.min(Math.ceil(h / mg), n + 1);
  let currentLength = maxJ - minJ;
  const length = Math.min(2 * maxJ + 2, n + 1);
  const column = new Float64Array(length).fill(1);
  column.fill(0, minJ, maxJ);
  for (let i = 1; i <= m; i++) {
    const lastMinJ = minJ;
    const lastLength = currentLength;
    minJ = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxJ = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxJ <= minJ) return 1;
    // Entry j holds 1 − A(i, j)/C(i + j, j); the recurrence averages the left and lower neighbours
    // with weights i/(i+j) and j/(i+j). Outside the band the complement is 1 (minJ > 0) or 0.
    let value = minJ === 0 ? 0 : 1;
    const shift = minJ - lastMinJ;
    for (let jj = 0; jj < maxJ - minJ; jj++) {
      const j = jj + minJ;
      const previous = jj + shift < length ? column[jj + shift] : 1;
      value = (previous * i + value * j) / (i + j);
      column[jj] = value;
    }
    currentLength = maxJ - minJ;
    if (lastLength > currentLength) {
      column.fill(1, currentLength, Math.min(length, currentLength + (lastLength - currentLength)));
    }
  }
  return column[maxJ - minJ - 1];
}

/**
 * Exact two-sided p-value for statistic d with sample sizes n1, n2 (SciPy's
 * `_attempt_exact_2kssamp`). Returns the lattice-rounded statistic and the p-value, or null when
 * the computation is numerically unusable (the caller then falls back to the asymptotic value).
 */
export function ksExactPValue(n1: number, n2: number, d: number): { statistic: number; pValue: number } | null {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = Math.round(d * lcm);
  const statistic = h / lcm;
  if (h === 0) return { statistic, pValue: 1 };
  const p = n1 === n2 ? probabilityOutsideSquare(n1, h) : probabilityOutsideBand(n1, n2, g, h);
  if (!Number.isFinite(p) || p < 0 || p > 1) return null;
  return { statistic, pValue: p };
}

/**
 * Asymptotic two-sided p-value as SciPy computes it: the exact one-sample Kolmogorov distribution
 * evaluated at the effective size round(n1·n2/(n1 + n2)).
 */
export function ksAsymptoticPValue(n1: number, n2: number, d: number): number {
  if (Number.isNaN(d)) return NaN;
  const en = (n1 * n2) / (n1 + n2);
  return Math.min(1, Math.max(0, kolmogorovNSurvival(roundHalfEven(en), d)));
}

/** Two-sided p-value with SciPy's 'auto' method selection for statistic d. */
export function ksPValue(n1: number, n2: number, d: number): { statistic: number; pValue: number; method: KsPValueMethod } {
  if (Math.max(n1, n2) <= KS_MAX_EXACT_N) {
    const exact = ksExactPValue(n1, n2, d);
    if (exact) return { ...exact, method: 'exact' };
  }
  return { statistic: d, pValue: ksAsymptoticPValue(n1, n2, d), method: 'asymptotic' };
}

/**
 * Two-sample KS on ascending-sorted Float64Arrays (the baseline is stored sorted, so a check only
 * sorts the current window). O(n1 + n2) after sorting.
 */
export function ksTwoSampleSorted(a: Float64Array, b: Float64Array, options: KsSortedOptions = {}): KsTestResult {
  const d = ksStatisticSorted(a, b);
  if (Number.isNaN(d)) return { statistic: NaN, pValue: NaN, method: 'asymptotic' };
  const sizeA = options.effectiveSizeA ?? a.length;
  const sizeB = options.effectiveSizeB ?? b.length;
  const tolerance = options.statisticTolerance ?? 0;
  const exactAffordable = options.maxExactCells === undefined || sizeA * sizeB <= options.maxExactCells;
  if (sizeA === a.length && sizeB === b.length && tolerance === 0) {
    return exactAffordable
      ? ksPValue(sizeA, sizeB, d)
      : { statistic: d, pValue: ksAsymptoticPValue(sizeA, sizeB, d), method: 'asymptotic' };
  }
  // A sketch stands in for one sample: its ECDF is only known to within `tolerance`, and the
  // lattice of the exact test no longer describes the statistic, so use the asymptotic
  // distribution with the true sizes on the conservatively reduced statistic.
  const conservative = Math.max(0, d - tolerance);
  return { statistic: d, pValue: ksAsymptoticPValue(sizeA, sizeB, conservative), method: 'asymptotic' };
}

/** Two-sample KS test on unsorted samples (copies and sorts both). */
export function ksTwoSample(a: ArrayLike<number>, b: ArrayLike<number>): KsTestResult {
  return ksTwoSampleSorted(sortedCopy(a), sortedCopy(b));
}
