/**
 * Exact binomial tails, for the one-sided binomial test of a rating grade's PD (P(X ≥ D) for
 * X ~ Binomial(N, PD), D the observed defaults). They are incomplete beta functions,
 *   P(X ≥ k) = I_p(k, n − k + 1),   P(X ≤ k) = I_{1−p}(n − k, k + 1),
 * so they inherit beta-distribution.ts's accuracy at any n (no sum over up to 1e6 terms), and each
 * tail is evaluated directly rather than as 1 − the other, keeping a small p-value's relative
 * precision.
 *
 * Non-finite or invalid input: NaN (n must be a non-negative integer, k an integer, 0 ≤ p ≤ 1), as
 * the beta functions. No input throws.
 */
import { betaCdf, betaSurvival } from './beta-distribution';

function validArguments(k: number, n: number, p: number): boolean {
  return Number.isInteger(k) && Number.isInteger(n) && n >= 0 && p >= 0 && p <= 1;
}

/**
 * P(X ≥ k) for X ~ Binomial(n, p): 1 for k ≤ 0, 0 for k > n, and at the degenerate p = 0 and
 * p = 1 the point masses at 0 and n; otherwise I_p(k, n − k + 1). NaN for non-finite or invalid
 * arguments (see the module comment).
 */
export function binomialSurvival(k: number, n: number, p: number): number {
  if (!validArguments(k, n, p)) return NaN;
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p === 0) return 0;
  if (p === 1) return 1;
  return betaCdf(p, k, n - k + 1);
}

/**
 * P(X ≤ k) for X ~ Binomial(n, p): 0 for k < 0, 1 for k ≥ n, the point masses at p = 0 and p = 1,
 * otherwise 1 − I_p(k + 1, n − k) computed as the beta survival function (no cancellation). NaN as
 * `binomialSurvival`.
 */
export function binomialCdf(k: number, n: number, p: number): number {
  if (!validArguments(k, n, p)) return NaN;
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (p === 0) return 1;
  if (p === 1) return 0;
  return betaSurvival(p, k + 1, n - k);
}
