/**
 * First Wasserstein (earth mover's) distance between two 1-D samples, exactly as
 * scipy.stats.wasserstein_distance (unweighted): W1 = ∫ |F_a(x) − F_b(x)| dx, where F are the
 * empirical CDFs. Between consecutive points of the merged sample both CDFs are constant, so the
 * integral is a finite sum of |F_a − F_b| × gap, computed in one merge of the sorted inputs.
 */
import { allFinite, sortedCopy } from './sorting';
import { CompensatedSum } from './summation';

/**
 * W1 of two ascending-sorted samples; O(n1 + n2). NaN if either is empty or holds a non-finite
 * value (a NaN never compares ≤ the merge position, which used to stall the merge forever; an
 * infinite value would make the distance infinite or undefined).
 */
export function wassersteinSorted(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return NaN;
  if (!allFinite(a) || !allFinite(b)) return NaN;
  let i = 0;
  let j = 0;
  const total = new CompensatedSum();
  // Current position x and the CDF values just after it.
  let x = Math.min(a[0], b[0]);
  while (i < n1 || j < n2) {
    while (i < n1 && a[i] <= x) i++;
    while (j < n2 && b[j] <= x) j++;
    if (i >= n1 && j >= n2) break;
    const next = i >= n1 ? b[j] : j >= n2 ? a[i] : Math.min(a[i], b[j]);
    // CDF values as SciPy forms them (count / n) so rounding matches term by term.
    const gap = Math.abs(i / n1 - j / n2);
    if (gap !== 0) total.add(gap * (next - x));
    x = next;
  }
  return total.value;
}

/** W1 of two unsorted samples (copies and sorts both); NaN as `wassersteinSorted`. */
export function wassersteinDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (!allFinite(a) || !allFinite(b)) return NaN;
  return wassersteinSorted(sortedCopy(a), sortedCopy(b));
}
