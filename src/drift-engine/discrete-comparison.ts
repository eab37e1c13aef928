/**
 * Compares a discrete (count-valued) column with its baseline as categories: chi-square test of
 * homogeneity for significance, Jensen–Shannon distance and PSI over categories for materiality.
 * The test runs on the unmerged 2 × K table; where an expected count is below 5 its p-value is a
 * permutation p-value (permutation-chi-square.ts), so sparse categories are never merged away.
 */
import { jensenShannonDivergence } from '../stats/jensen-shannon';
import { populationStabilityIndex, psiNoiseExpectation } from '../stats/psi';
import { countCategories, toProportions } from './binning';
import { ColumnComparison } from './comparison-types';
import { homogeneityTest } from './permutation-chi-square';
import { DiscreteColumnProfile } from './profile-types';

/** Reference and current counts over the union of categories, categories ascending. */
export function alignCategories(
  profile: DiscreteColumnProfile,
  counted: { categories: number[]; counts: number[] },
): { categories: number[]; reference: number[]; current: number[] } {
  const union = Array.from(new Set([...profile.categories, ...counted.categories])).sort((a, b) => a - b);
  const referenceMap = new Map(profile.categories.map((c, i) => [c, profile.counts[i]]));
  const currentMap = new Map(counted.categories.map((c, i) => [c, counted.counts[i]]));
  return {
    categories: union,
    reference: union.map((c) => referenceMap.get(c) ?? 0),
    current: union.map((c) => currentMap.get(c) ?? 0),
  };
}

export function compareDiscrete(profile: DiscreteColumnProfile, current: ArrayLike<number>): ColumnComparison {
  return compareDiscreteCounts(profile, countCategories(current));
}

/** The same comparison from category counts (categories ascending): what a window sketch holds. */
export function compareDiscreteCounts(
  profile: DiscreteColumnProfile,
  counted: { categories: number[]; counts: number[] },
): ColumnComparison {
  const n = counted.counts.reduce((s, c) => s + c, 0);
  const nReference = profile.count;
  const aligned = alignCategories(profile, counted);
  const k = aligned.categories.length;

  const psi = populationStabilityIndex(aligned.reference, aligned.current);
  const psiExcess = Math.max(0, psi - psiNoiseExpectation(k, nReference, n));

  // JS divergence under "no drift" is ≈ (k − 1)(1/N + 1/n)/8 nats (second-order expansion, as for
  // PSI); the gate uses the distance of what is left after removing that.
  const divergence = jensenShannonDivergence(aligned.reference, aligned.current);
  const noise = k > 1 ? ((k - 1) * (1 / nReference + 1 / n)) / 8 : 0;
  const jensenShannon = Math.sqrt(Math.max(0, divergence) / Math.LN2);
  const effectSize = Math.sqrt(Math.max(0, divergence - noise) / Math.LN2);

  const base: Omit<ColumnComparison, 'evaluated' | 'reason' | 'testStatistic' | 'pValue' | 'chiSquare'> = {
    test: 'chi_square',
    sampleSize: n,
    ks: null,
    psi,
    psiExcess,
    wasserstein: null,
    wassersteinNormalized: null,
    jensenShannon,
    effectSize,
    histogram: {
      edges: aligned.categories,
      reference: toProportions(aligned.reference),
      current: toProportions(aligned.current),
    },
  };

  if (k === 1) {
    // Baseline and batch are the same single value: identical distributions, nothing to test.
    return { ...base, evaluated: true, testStatistic: 0, pValue: 1, chiSquare: { statistic: 0, pValue: 1, dof: 0 } };
  }
  const test = homogeneityTest(aligned.reference, aligned.current);
  if (Number.isNaN(test.pValue)) {
    return {
      ...base,
      evaluated: false,
      reason: 'no chi-square test possible: the baseline or the batch has no rows in these categories',
      testStatistic: null,
      pValue: null,
      chiSquare: null,
    };
  }
  // The p-value's method (and Monte-Carlo draws) travel with the chi-square figures to the result.
  const chiSquare = {
    statistic: test.statistic,
    pValue: test.pValue,
    dof: test.dof,
    pValueMethod: test.pValueMethod,
    ...(test.draws !== undefined ? { draws: test.draws } : {}),
  };
  return { ...base, evaluated: true, testStatistic: test.statistic, pValue: test.pValue, chiSquare };
}
