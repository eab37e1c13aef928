import { jensenShannonDistance } from '../../../src/stats/jensen-shannon';
import { populationStabilityIndex, psiLevel, psiNoiseExpectation } from '../../../src/stats/psi';
import { wassersteinDistance, wassersteinSorted } from '../../../src/stats/wasserstein';
import { describeWithShared, loadStatsVectors } from '../../support/shared';

describeWithShared('distances against SciPy reference vectors', () => {
  const vectors = loadStatsVectors();

  it.each(vectors.wasserstein_distance.map((v, i) => [i, v] as const))('wasserstein case %i', (_i, v) => {
    const value = wassersteinDistance(v.a, v.b);
    expect(Math.abs(value - v.value)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(v.value)));
  });

  it.each(vectors.jensenshannon_base2.map((v, i) => [i, v] as const))('jensenshannon base 2 case %i', (_i, v) => {
    expect(Math.abs(jensenShannonDistance(v.p, v.q) - v.distance)).toBeLessThan(1e-12);
  });
});

describe('Wasserstein distance (hand-computed)', () => {
  it('is the shift for a translated sample', () => {
    expect(wassersteinDistance([0, 1, 3], [5, 6, 8])).toBeCloseTo(5, 14);
  });
  it('integrates |F_a − F_b|: W([0,1],[0,0,1,1] ) = 0 and W([0],[1,3]) = 2', () => {
    expect(wassersteinDistance([0, 1], [0, 0, 1, 1])).toBe(0);
    expect(wassersteinSorted([0], [1, 3])).toBeCloseTo(2, 14);
  });
  it('is symmetric and NaN for an empty sample', () => {
    expect(wassersteinDistance([1, 2, 9], [4])).toBeCloseTo(wassersteinDistance([4], [1, 2, 9]), 14);
    expect(Number.isNaN(wassersteinDistance([], [1]))).toBe(true);
  });
});

describe('Jensen–Shannon distance (hand-computed)', () => {
  it('is 0 for identical and 1 (base 2) for disjoint distributions, and normalises counts', () => {
    expect(jensenShannonDistance([1, 2, 3], [2, 4, 6])).toBeCloseTo(0, 15);
    expect(jensenShannonDistance([1, 0], [0, 5])).toBeCloseTo(1, 15);
  });
});

describe('Population Stability Index', () => {
  it('matches the textbook sum Σ (c − r) ln(c/r)', () => {
    const r = [0.5, 0.3, 0.2];
    const c = [0.4, 0.3, 0.3];
    const expected = (0.4 - 0.5) * Math.log(0.4 / 0.5) + (0.3 - 0.2) * Math.log(0.3 / 0.2);
    expect(populationStabilityIndex(r, c)).toBeCloseTo(expected, 15);
    expect(populationStabilityIndex([50, 30, 20], [40, 30, 30])).toBeCloseTo(expected, 15);
  });
  it('floors empty bins at 1e-4 so the value stays finite', () => {
    const value = populationStabilityIndex([0.5, 0.5], [1, 0]);
    expect(value).toBeCloseTo((1 - 0.5) * Math.log(1 / 0.5) + (1e-4 - 0.5) * Math.log(1e-4 / 0.5), 12);
  });
  it('reads levels by the credit-risk convention and estimates its sampling noise', () => {
    expect(psiLevel(0.05)).toBe('stable');
    expect(psiLevel(0.2)).toBe('moderate');
    expect(psiLevel(0.3)).toBe('significant');
    expect(psiNoiseExpectation(10, 5000, 50)).toBeCloseTo(9 * (1 / 5000 + 1 / 50), 15);
  });
});
