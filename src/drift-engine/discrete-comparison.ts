/**
 * Compares a discrete (count-valued) column with its baseline as categories: chi-square test of
 * homogeneity for significance, Jensen–Shannon distance and PSI over categories for materiality.
 */
import { chiSquareTwoSample } from '../stats/chi-square';
import { jensenShannonDivergence } from '../stats/jensen-shannon';
import { populationStabilityIndex, psiNoiseExpectation } from '../stats/psi';
import { countCategories, toProportions } from './binning';
import { ColumnComparison } from './comparison-types';
import { DiscreteColumnProfile } from './profile-types';

/** Cochran's rule: chi-square p-values are trustworthy when every expected count is at least 5. */
const MIN_EXPECTED_COUNT = 5;

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

/**
 * Merges sparse categories into their neighbours until every expected count (under "same
 * distribution") is ≥ 5. Neighbours, because the categories are ordered counts: pooling 3 and 4
 * open accounts keeps meaning, pooling 0 with 4 would not. The smallest category is merged into
 * its smaller neighbour first, which keeps as many categories (and as much power) as possible.
 */
export function mergeSparseCategories(reference: number[], current: number[]): { reference: number[]; current: number[] } {
  const groups = reference.map((r, i) => ({ reference: r, current: current[i] }));
  const totalReference = reference.reduce((s, v) => s + v, 0);
  const totalCurrent = current.reduce((s, v) => s + v, 0);
  const total = totalReference + totalCurrent;
  const smallerRow = Math.min(totalReference, totalCurrent);
  while (groups.length > 1) {
    let smallest = 0;
    for (let i = 1; i < groups.length; i++) {
      if (groups[i].reference + groups[i].current < groups[smallest].reference + groups[smallest].current) smallest = i;
    }
    const size = groups[smallest].reference + groups[smallest].current;
    if ((smallerRow * size) / total >= MIN_EXPECTED_COUNT) break;
    const left = smallest - 1;
    const right = smallest + 1;
    const sizeOf = (i: number) => groups[i].reference + groups[i].current;
    const target = left < 0 ? right : right >= groups.length ? left : sizeOf(left) <= sizeOf(right) ? left : right;
    groups[target].reference += groups[smallest].reference;
    groups[target].current += groups[smallest].current;
    groups.splice(smallest, 1);
  }
  return { reference: groups.map((g) => g.reference), current: groups.map((g) => g.current) };
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
  const merged = mergeSparseCategories(aligned.reference, aligned.current);
  const test = chiSquareTwoSample(merged.reference, merged.current);
  if (Number.isNaN(test.pValue)) {
    return {
      ...base,
      evaluated: false,
      reason: `too few rows per category for a chi-square test (fewer than ${MIN_EXPECTED_COUNT} expected in every merged category)`,
      testStatistic: null,
      pValue: null,
      chiSquare: null,
    };
  }
  return { ...base, evaluated: true, testStatistic: test.statistic, pValue: test.pValue, chiSquare: test };
}
