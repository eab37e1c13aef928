/**
 * Jensen–Shannon distance (the square root of the JS divergence), as
 * scipy.spatial.distance.jensenshannon(p, q, base). Inputs are normalised to sum to one, so raw
 * counts can be passed directly. With base 2 the distance lies in [0, 1]: 0 for identical
 * distributions, 1 for distributions with disjoint support — which makes it a bounded effect size
 * for categorical features (unlike PSI, it stays finite when a category is empty on one side).
 */
import { allFinite } from './sorting';

/** x·ln(x/y) with the conventions 0·ln(0/y) = 0 (SciPy's rel_entr). */
function relativeEntropyTerm(x: number, y: number): number {
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Infinity;
}

/**
 * Jensen–Shannon divergence in nats of two (unnormalised) distributions. NaN when either sums to
 * zero or holds a non-finite value; RangeError when their lengths differ.
 */
export function jensenShannonDivergence(p: ArrayLike<number>, q: ArrayLike<number>): number {
  if (p.length !== q.length) throw new RangeError('jensenShannon: p and q must have the same length');
  if (!allFinite(p) || !allFinite(q)) return NaN;
  let sumP = 0;
  let sumQ = 0;
  for (let i = 0; i < p.length; i++) {
    sumP += p[i];
    sumQ += q[i];
  }
  if (!(sumP > 0) || !(sumQ > 0)) return NaN;
  let left = 0;
  let right = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] / sumP;
    const qi = q[i] / sumQ;
    const mi = (pi + qi) / 2;
    left += relativeEntropyTerm(pi, mi);
    right += relativeEntropyTerm(qi, mi);
  }
  return (left + right) / 2;
}

/**
 * Jensen–Shannon distance, sqrt(JSD / ln(base)); base 2 by default (range [0, 1]). NaN as the
 * divergence; RangeError for a base that is not a finite number above 0 other than 1.
 */
export function jensenShannonDistance(p: ArrayLike<number>, q: ArrayLike<number>, base = 2): number {
  if (!(Number.isFinite(base) && base > 0 && base !== 1))
    throw new RangeError(`jensenShannon: base must be a finite number > 0 other than 1, got ${base}`);
  const divergence = jensenShannonDivergence(p, q);
  // Tiny negative values can only come from rounding; clamp before the square root.
  return Math.sqrt(Math.max(0, divergence / Math.log(base)));
}
