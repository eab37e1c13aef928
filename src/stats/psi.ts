/**
 * Population Stability Index over pre-defined bins:
 *   PSI = Σ_i (c_i − r_i) · ln(c_i / r_i)
 * with r_i, c_i the reference and current proportions in bin i. It is the symmetric
 * (Jeffreys) Kullback–Leibler divergence, so it is ≥ 0 and additive over bins.
 *
 * Empty bins: ln(c/r) is infinite when a proportion is 0, so proportions are floored at
 * `epsilon` (default 1e-4, i.e. 0.01%) before the formula is applied. 1e-4 is the common
 * industry choice: small enough that a bin must really be (almost) empty to trigger it, large
 * enough that one empty bin adds a bounded amount — at most about p·ln(p/1e-4) (≈ 0.69 for a
 * decile bin), so a genuinely vacated bin is still visible as drift rather than infinity. The
 * floor is applied to both sides and the proportions are not renormalised (renormalising would
 * move every other bin by a tiny amount and hide where the change came from).
 *
 * Convention for reading it (credit risk): < 0.1 stable, 0.1–0.25 moderate, > 0.25 significant.
 * At small samples PSI is biased upwards by sampling noise, roughly (k − 1)·(1/n_ref + 1/n_cur)
 * for k bins; see `psiNoiseExpectation` and the drift engine for how that is handled.
 */

import { allFinite } from './sorting';

export const PSI_DEFAULT_EPSILON = 1e-4;

export interface PsiOptions {
  /** Proportion floor for empty bins (default 1e-4). */
  epsilon?: number;
}

/**
 * PSI from per-bin counts or proportions (each side is normalised to sum to 1 first). NaN when a
 * side sums to zero or holds a non-finite count; RangeError when the bins differ or epsilon is not
 * a finite positive number.
 */
export function populationStabilityIndex(reference: ArrayLike<number>, current: ArrayLike<number>, options: PsiOptions = {}): number {
  if (reference.length !== current.length) throw new RangeError('psi: reference and current must have the same bins');
  const epsilon = options.epsilon ?? PSI_DEFAULT_EPSILON;
  if (!(Number.isFinite(epsilon) && epsilon > 0)) throw new RangeError(`psi: epsilon must be a finite positive number, got ${epsilon}`);
  if (!allFinite(reference) || !allFinite(current)) return NaN;
  let totalReference = 0;
  let totalCurrent = 0;
  for (let i = 0; i < reference.length; i++) {
    totalReference += reference[i];
    totalCurrent += current[i];
  }
  if (!(totalReference > 0) || !(totalCurrent > 0)) return NaN;
  let psi = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = Math.max(reference[i] / totalReference, epsilon);
    const c = Math.max(current[i] / totalCurrent, epsilon);
    psi += (c - r) * Math.log(c / r);
  }
  return psi;
}

/**
 * Expected PSI between two samples of sizes nReference and nCurrent drawn from the *same*
 * distribution over k bins (first-order approximation, as for a chi-square statistic divided by
 * the effective sample size): (k − 1)·(1/nReference + 1/nCurrent). At n = 50 and 10 bins this is
 * ≈ 0.18 — above the 0.1 "moderate" line — which is why a fixed PSI threshold false-alarms on
 * small batches. NaN when an argument is not finite.
 */
export function psiNoiseExpectation(bins: number, nReference: number, nCurrent: number): number {
  if (!Number.isFinite(bins) || !Number.isFinite(nReference) || !Number.isFinite(nCurrent)) return NaN;
  if (bins < 2) return 0;
  return (bins - 1) * (1 / nReference + 1 / nCurrent);
}

/**
 * Credit-risk reading of a PSI value; 'unknown' for NaN or ±Infinity (with the proportion floor a
 * PSI is always finite, so an infinite one is a computation gone wrong, not a large shift).
 */
export function psiLevel(psi: number): 'stable' | 'moderate' | 'significant' | 'unknown' {
  if (!Number.isFinite(psi)) return 'unknown';
  if (psi < 0.1) return 'stable';
  if (psi <= 0.25) return 'moderate';
  return 'significant';
}
