/**
 * Two-sample Kolmogorov–Smirnov test, two-sided.
 *
 * Statistic: D = sup_x |F_a(x) − F_b(x)| over right-continuous empirical CDFs. Ties are handled by
 * advancing past every copy of a value in both samples before comparing the CDFs, which is what
 * SciPy's `searchsorted(..., side='right')` does; comparing element by element would report
 * spurious gaps inside a run of tied values.
 *
 * Two p-value policies:
 *
 * - SciPy's (`ksPValue`, `ksTwoSample`, `ksTwoSampleSorted` without `maxExactCells`): reproduces
 *   scipy.stats.ks_2samp(method='auto') — exact when max(n1, n2) ≤ 10,000, otherwise asymptotic
 *   `kstwo.sf(D, round(n1·n2/(n1+n2)))`. That asymptotic value ignores the lattice the two-sample
 *   statistic lives on and is off by up to a few percent near p = 0.05 and below, mostly too small
 *   (anti-conservative): 2.5–5% at 1,000 × 2,000, still up to 1.8% at 20,000 rows and more.
 * - Accurate (`ksAccuratePValue`, `ksTwoSampleSorted` with `maxExactCells`): exact whenever the
 *   lattice count below costs at most `maxExactCells` cells, whatever the sample sizes; above
 *   that, `ksCorrectedAsymptoticPValue`. Accuracy figures are in docs/drift-methodology.md
 *   ("Exactness of the statistics") and are checked by test/unit/stats/ks-accuracy.spec.ts against
 *   scipy's exact p-values.
 *
 * Exact p-values: Pr(D ≥ h/lcm(n1, n2)) is the share of monotone lattice paths from (0,0) to
 * (n1,n2) that leave the band |i/n1 − j/n2| < h/lcm (Hodges 1958). Equal sizes have a closed
 * alternating sum. Unequal sizes use Viehmann's (2021) recursion, which carries the share of paths
 * that already left the band rather than the share inside it, so small p-values keep their
 * relative precision (p is never formed as 1 − Pr(inside)). Two changes make it about 10× faster
 * than the column-by-column evaluation it replaced (124 ms → 9 ms of CPU at 20,000 × 50,000 and
 * p ≈ 0.05), which is what lets it cover the drift engine's largest samples:
 *
 * - Only half of the lattice is walked. The band is symmetric under (i, j) → (n1 − i, n2 − j), so
 *   the share of paths from a cell on the middle antidiagonal to the end that stay inside equals
 *   the share from the origin to the mirrored cell. Every path crosses the middle antidiagonal
 *   once, so p = Σ_x Pr(path passes x)·(1 − r(x)·r(x̄)) over that antidiagonal, with r = 1 − s
 *   the share that stayed inside and Pr(path passes x) the hypergeometric weight.
 * - The recursion runs along antidiagonals (cells i + j = t), where every cell depends only on the
 *   previous antidiagonal, and four antidiagonals are advanced per sweep of the array, so the
 *   inner loop has no serial dependency and touches memory once per four steps.
 *
 * Its cost is the number of band cells it visits, about D·n1·n2 (`ksExactLatticeCells`).
 */
import { kolmogorovNSurvival, kolmogorovSurvival } from './kolmogorov-distribution';
import { allFinite, sortedCopy } from './sorting';
import { CompensatedSum } from './summation';

/** SciPy's MAX_AUTO_N: above this sample size SciPy's 'auto' method stops using the exact p-value. */
export const KS_MAX_EXACT_N = 10000;

/**
 * Default budget of `ksAccuratePValue`: lattice cells the exact count may visit. At most ~12 ms of
 * CPU on the 2-core CI machine (0.5–0.75 ns per cell); at 20,000 × 50,000 samples it keeps the
 * exact p-value for every p ≥ 0.002.
 */
export const KS_DEFAULT_MAX_EXACT_CELLS = 16_000_000;

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
   * length, the exact lattice count does not apply and SciPy's asymptotic p-value is used.
   */
  effectiveSizeA?: number;
  effectiveSizeB?: number;
  /** Subtracted from D before computing the p-value (a known bound on sketch error); default 0. */
  statisticTolerance?: number;
  /**
   * Switches to the accurate policy (`ksAccuratePValue`): the exact p-value whenever the lattice
   * count visits at most this many cells (`ksExactLatticeCells`, about D·n1·n2 — never more than
   * n1·n2, so every pair of sizes with n1·n2 below it is exact), otherwise the corrected
   * asymptotic p-value. Unset: SciPy's rule (exact whenever max(n1, n2) ≤ 10,000).
   */
  maxExactCells?: number;
}

function requireSampleSize(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer sample size, got ${value}`);
}

/**
 * KS statistic of two ascending-sorted samples in one O(n1 + n2) merge. NaN when either sample is
 * empty or holds a non-finite value (NaN has no place in an ordering, and ±Infinity is treated the
 * same way so that every KS function agrees on what "not evaluated" means).
 */
export function ksStatisticSorted(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return NaN;
  if (!allFinite(a) || !allFinite(b)) return NaN;
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
 * The band of one lattice-path problem: cells (i, j) with i ≤ larger, j ≤ smaller and
 * |i·smaller − j·larger| < h·gcd, walked along antidiagonals t = i + j and indexed by j.
 */
class LatticeBand {
  readonly total: number;
  private readonly limit: number;

  constructor(
    readonly smaller: number,
    readonly larger: number,
    g: number,
    h: number,
  ) {
    this.total = smaller + larger;
    this.limit = h * g;
  }

  /** Lowest j inside the band on antidiagonal t (j > (t·smaller − h·g)/total). */
  low(t: number): number {
    return Math.max(0, t - this.larger, Math.floor((t * this.smaller - this.limit) / this.total) + 1);
  }

  /** Highest j inside the band on antidiagonal t (j < (t·smaller + h·g)/total). */
  high(t: number): number {
    return Math.min(t, this.smaller, Math.ceil((t * this.smaller + this.limit) / this.total) - 1);
  }
}

/*
 * The recursion state: `share[j + 1]` is s(t − j, j), the share of the lattice paths from the
 * origin to cell (t − j, j) that have left the band, for the cells of the current antidiagonal t
 * inside the band. s(i, j) = (i·s(i − 1, j) + j·s(i, j − 1)) / (i + j): the paths into a cell
 * come from its two predecessors in proportion to their path counts. A cell outside the band has
 * s = 1. Both band edges move by at most one cell per antidiagonal and never down, so the one
 * cell just below the band (index lo) is kept at 1 and cells above the band were never written
 * (the array starts filled with 1). Writing in ascending j with the old value of the cell below
 * held in a register lets the update run in place.
 */

/** Advances `share` from antidiagonal t − 1 to t (band [lo, hi] at t). */
function advanceOneStep(share: Float64Array, t: number, lo: number, hi: number): void {
  const inverse = 1 / t;
  let below = share[lo];
  for (let j = lo; j <= hi; j++) {
    const left = share[j + 1];
    share[j + 1] = ((t - j) * left + j * below) * inverse;
    below = left;
  }
  share[lo] = 1;
}

/**
 * Advances `share` from antidiagonal t to t + 4 in one sweep. The four intermediate antidiagonals
 * live in registers (x1..x3 and their values one cell below, p1..p3). Only the first and last few
 * cells, where some intermediate band edge cuts through, need the in-band tests.
 */
function advanceFourSteps(share: Float64Array, t: number, lows: Int32Array, highs: Int32Array): void {
  const lo1 = lows[0];
  const lo2 = lows[1];
  const lo3 = lows[2];
  const lo4 = lows[3];
  const hi1 = highs[0];
  const hi2 = highs[1];
  const hi3 = highs[2];
  const hi4 = highs[3];
  const t1 = t + 1;
  const t2 = t + 2;
  const t3 = t + 3;
  const t4 = t + 4;
  const i1 = 1 / t1;
  const i2 = 1 / t2;
  const i3 = 1 / t3;
  const i4 = 1 / t4;
  let p0 = share[lo1];
  let p1 = 1;
  let p2 = 1;
  let p3 = 1;
  let j = lo1;
  // Below lo4 the last antidiagonal is outside its band (1); the earlier ones may be inside.
  for (; j < lo4; j++) {
    const x0 = share[j + 1];
    const x1 = j >= lo1 && j <= hi1 ? ((t1 - j) * x0 + j * p0) * i1 : 1;
    const x2 = j >= lo2 && j <= hi2 ? ((t2 - j) * x1 + j * p1) * i2 : 1;
    const x3 = j >= lo3 && j <= hi3 ? ((t3 - j) * x2 + j * p2) * i3 : 1;
    share[j + 1] = 1;
    p0 = x0;
    p1 = x1;
    p2 = x2;
    p3 = x3;
  }
  // Every intermediate band contains [lo4, hi1].
  for (; j <= hi1; j++) {
    const x0 = share[j + 1];
    const x1 = ((t1 - j) * x0 + j * p0) * i1;
    const x2 = ((t2 - j) * x1 + j * p1) * i2;
    const x3 = ((t3 - j) * x2 + j * p2) * i3;
    share[j + 1] = ((t4 - j) * x3 + j * p3) * i4;
    p0 = x0;
    p1 = x1;
    p2 = x2;
    p3 = x3;
  }
  for (; j <= hi4; j++) {
    const x0 = share[j + 1];
    const x1 = j <= hi1 ? ((t1 - j) * x0 + j * p0) * i1 : 1;
    const x2 = j <= hi2 ? ((t2 - j) * x1 + j * p1) * i2 : 1;
    const x3 = j <= hi3 ? ((t3 - j) * x2 + j * p2) * i3 : 1;
    share[j + 1] = ((t4 - j) * x3 + j * p3) * i4;
    p0 = x0;
    p1 = x1;
    p2 = x2;
    p3 = x3;
  }
  share[lo4] = 1;
}

/**
 * Pr(D ≥ h/lcm) for unequal sizes (see the file comment): the recursion up to the middle
 * antidiagonal, then the hypergeometric-weighted combination with the mirrored cells.
 */
function probabilityOutsideBand(n1: number, n2: number, g: number, h: number): number {
  const band = new LatticeBand(Math.min(n1, n2), Math.max(n1, n2), g, h);
  const { smaller: n, larger: m, total } = band;
  const middle = Math.floor(total / 2);
  const mirrorDiagonal = total - middle;
  const share = new Float64Array(n + 2).fill(1);
  share[1] = 0;
  const lows = new Int32Array(4);
  const highs = new Int32Array(4);
  let t = 0;
  while (t + 4 <= middle) {
    for (let k = 0; k < 4; k++) {
      lows[k] = band.low(t + k + 1);
      highs[k] = band.high(t + k + 1);
      // A band with no cell on some antidiagonal: every path leaves it.
      if (lows[k] > highs[k]) return 1;
    }
    advanceFourSteps(share, t, lows, highs);
    t += 4;
  }
  while (t < middle) {
    t++;
    const lo = band.low(t);
    const hi = band.high(t);
    if (lo > hi) return 1;
    advanceOneStep(share, t, lo, hi);
  }
  const middleLow = band.low(middle);
  const middleHigh = band.high(middle);
  let atMiddle = share;
  if (mirrorDiagonal > middle) {
    atMiddle = share.slice();
    const lo = band.low(mirrorDiagonal);
    const hi = band.high(mirrorDiagonal);
    if (lo > hi) return 1;
    advanceOneStep(share, mirrorDiagonal, lo, hi);
  }
  const mirrorLow = band.low(mirrorDiagonal);
  const mirrorHigh = band.high(mirrorDiagonal);

  // Share of the paths through middle cell j that leave the band somewhere: 1 − r·r̄ written as
  // s + s̄·(1 − s), a sum of non-negative terms.
  const leaving = (j: number): number => {
    if (j < middleLow || j > middleHigh) return 1;
    const s = atMiddle[j + 1];
    const mirror = n - j;
    const sMirror = mirror < mirrorLow || mirror > mirrorHigh ? 1 : share[mirror + 1];
    return s + sMirror * (1 - s);
  };
  // Hypergeometric weights C(middle, j)·C(total − middle, n − j) up to a constant, by their ratio
  // recurrence out from the mode (so none overflows), normalised by their own sum.
  const jMin = Math.max(0, middle - m);
  const jMax = Math.min(middle, n);
  const rest = total - middle;
  const mode = Math.min(jMax, Math.max(jMin, Math.floor(((middle + 1) * (n + 1)) / (total + 2))));
  const weights = new CompensatedSum();
  const outside = new CompensatedSum();
  weights.add(1);
  outside.add(leaving(mode));
  let w = 1;
  for (let j = mode; j < jMax; j++) {
    w *= ((middle - j) * (n - j)) / ((j + 1) * (rest - n + j + 1));
    if (w < 1e-300) break;
    weights.add(w);
    outside.add(w * leaving(j + 1));
  }
  w = 1;
  for (let j = mode; j > jMin; j--) {
    w *= (j * (rest - n + j)) / ((middle - j + 1) * (n - j + 1));
    if (w < 1e-300) break;
    weights.add(w);
    outside.add(w * leaving(j - 1));
  }
  return outside.value / weights.value;
}

/**
 * Cells the exact p-value for statistic d visits: about h·gcd = D·n1·n2 for unequal sizes (half
 * the band), n1 for equal sizes (the closed form). Lets a caller bound the cost before paying it.
 */
export function ksExactLatticeCells(n1: number, n2: number, d: number): number {
  requireSampleSize('n1', n1);
  requireSampleSize('n2', n2);
  if (!Number.isFinite(d)) return NaN;
  if (n1 === n2) return n1;
  const g = gcd(n1, n2);
  const h = Math.max(0, Math.round(d * (n1 / g) * n2));
  return Math.min(h * g, (Math.min(n1, n2) + 1) * (Math.ceil((n1 + n2) / 2) + 1));
}

/**
 * Exact two-sided p-value for statistic d with sample sizes n1, n2 (the result of SciPy's
 * `_attempt_exact_2kssamp`, by a faster recursion). Returns the lattice-rounded statistic and the
 * p-value, or null when the computation is numerically unusable (the caller then falls back to an
 * asymptotic value). Sizes that are not positive integers are a RangeError; a non-finite d gives
 * NaN statistic and p-value. Costs `ksExactLatticeCells` cells whatever the sizes: callers with a
 * time budget check that first (`ksAccuratePValue` does).
 */
export function ksExactPValue(n1: number, n2: number, d: number): { statistic: number; pValue: number } | null {
  requireSampleSize('n1', n1);
  requireSampleSize('n2', n2);
  if (!Number.isFinite(d)) return { statistic: NaN, pValue: NaN };
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = Math.round(d * lcm);
  const statistic = h / lcm;
  if (h <= 0) return { statistic, pValue: 1 };
  const p = n1 === n2 ? probabilityOutsideSquare(n1, h) : probabilityOutsideBand(n1, n2, g, h);
  if (!Number.isFinite(p) || p < 0 || p > 1) return null;
  return { statistic, pValue: p };
}

/**
 * Asymptotic two-sided p-value as SciPy computes it: the exact one-sample Kolmogorov distribution
 * evaluated at the effective size round(n1·n2/(n1 + n2)). RangeError for sizes that are not
 * positive integers; NaN for a non-finite d.
 */
export function ksAsymptoticPValue(n1: number, n2: number, d: number): number {
  requireSampleSize('n1', n1);
  requireSampleSize('n2', n2);
  if (!Number.isFinite(d)) return NaN;
  const en = (n1 * n2) / (n1 + n2);
  return Math.min(1, Math.max(0, kolmogorovNSurvival(roundHalfEven(en), d)));
}

/**
 * Two-sided p-value from the limiting Kolmogorov distribution with two first-order corrections,
 * for sizes where the exact count is too expensive:
 *
 * - Hodges' (1958, eq. 5.3) term for the two-sample statistic: z is shifted by
 *   (m + 2n)/(6·sqrt(m·n·(m + n))), m ≥ n — the two-sample counterpart of the one-sample
 *   z + 1/(6·sqrt(n)), which is what makes `kstwo.sf(D, round(en))` biased here;
 * - a continuity correction: D lives on the lattice k/lcm(n1, n2) and Pr(D ≥ d) is constant on
 *   ((d − 1/lcm), d], so the smooth formula is read half a cell below d.
 *
 * For equal sizes the two together reproduce the leading term of the exact closed form exactly.
 * Measured against scipy's exact p-values (test/fixtures/reference/ks-accuracy.json) at sizes
 * above the default exact budget it is within 0.3% at p ≥ 0.001 and 0.8% down to p = 1e-7 (at
 * smaller sizes, where the exact count is used instead, it can be 1% off). What remains comes from
 * the arithmetic of n1 and n2 (nearly equal coprime sizes are the worst case), which no smooth
 * formula captures. RangeError for sizes that are not positive integers; NaN for a non-finite d.
 */
export function ksCorrectedAsymptoticPValue(n1: number, n2: number, d: number): number {
  requireSampleSize('n1', n1);
  requireSampleSize('n2', n2);
  if (!Number.isFinite(d)) return NaN;
  const larger = Math.max(n1, n2);
  const smaller = Math.min(n1, n2);
  const lcm = (larger / gcd(larger, smaller)) * smaller;
  const en = (larger * smaller) / (larger + smaller);
  const hodges = (larger + 2 * smaller) / (6 * Math.sqrt(larger * smaller * (larger + smaller)));
  const z = Math.sqrt(en) * (d - 0.5 / lcm) + hodges;
  return z <= 0 ? 1 : kolmogorovSurvival(z);
}

/** Two-sided p-value with SciPy's 'auto' method selection for statistic d. */
export function ksPValue(n1: number, n2: number, d: number): { statistic: number; pValue: number; method: KsPValueMethod } {
  requireSampleSize('n1', n1);
  requireSampleSize('n2', n2);
  if (!Number.isFinite(d)) return { statistic: NaN, pValue: NaN, method: 'asymptotic' };
  if (Math.max(n1, n2) <= KS_MAX_EXACT_N) {
    const exact = ksExactPValue(n1, n2, d);
    if (exact) return { ...exact, method: 'exact' };
  }
  return { statistic: d, pValue: ksAsymptoticPValue(n1, n2, d), method: 'asymptotic' };
}

/**
 * Two-sided p-value with a cost budget instead of SciPy's size rule: exact whenever the lattice
 * count visits at most `maxExactCells` cells, otherwise `ksCorrectedAsymptoticPValue`. RangeError
 * for sizes that are not positive integers or a budget that is not a non-negative number; NaN for
 * a non-finite d.
 */
export function ksAccuratePValue(
  n1: number,
  n2: number,
  d: number,
  maxExactCells: number = KS_DEFAULT_MAX_EXACT_CELLS,
): { statistic: number; pValue: number; method: KsPValueMethod } {
  requireSampleSize('n1', n1);
  requireSampleSize('n2', n2);
  if (!(maxExactCells >= 0)) throw new RangeError(`maxExactCells must be a non-negative number, got ${maxExactCells}`);
  if (!Number.isFinite(d)) return { statistic: NaN, pValue: NaN, method: 'asymptotic' };
  if (ksExactLatticeCells(n1, n2, d) <= maxExactCells) {
    const exact = ksExactPValue(n1, n2, d);
    if (exact) return { ...exact, method: 'exact' };
  }
  return { statistic: d, pValue: ksCorrectedAsymptoticPValue(n1, n2, d), method: 'asymptotic' };
}

/**
 * Two-sample KS on ascending-sorted Float64Arrays (the baseline is stored sorted, so a check only
 * sorts the current window). O(n1 + n2) after sorting, plus the p-value. A sample that is empty or
 * holds a non-finite value gives NaN statistic and p-value ("not evaluated").
 */
export function ksTwoSampleSorted(a: Float64Array, b: Float64Array, options: KsSortedOptions = {}): KsTestResult {
  const d = ksStatisticSorted(a, b);
  if (Number.isNaN(d)) return { statistic: NaN, pValue: NaN, method: 'asymptotic' };
  const sizeA = options.effectiveSizeA ?? a.length;
  const sizeB = options.effectiveSizeB ?? b.length;
  const tolerance = options.statisticTolerance ?? 0;
  if (sizeA === a.length && sizeB === b.length && tolerance === 0) {
    return options.maxExactCells === undefined ? ksPValue(sizeA, sizeB, d) : ksAccuratePValue(sizeA, sizeB, d, options.maxExactCells);
  }
  // A sketch stands in for one sample: its ECDF is only known to within `tolerance`, and the
  // lattice of the exact test no longer describes the statistic, so use the asymptotic
  // distribution with the true sizes on the conservatively reduced statistic.
  const conservative = Math.max(0, d - tolerance);
  return { statistic: d, pValue: ksAsymptoticPValue(sizeA, sizeB, conservative), method: 'asymptotic' };
}

/**
 * Two-sample KS test on unsorted samples (copies and sorts both), SciPy's 'auto' p-value. NaN
 * statistic and p-value when a sample is empty or holds a non-finite value (SciPy returns NaN for
 * NaN input).
 */
export function ksTwoSample(a: ArrayLike<number>, b: ArrayLike<number>): KsTestResult {
  if (!allFinite(a) || !allFinite(b)) return { statistic: NaN, pValue: NaN, method: 'asymptotic' };
  return ksTwoSampleSorted(sortedCopy(a), sortedCopy(b));
}
