import { kolmogorovNSurvival, kolmogorovSurvival, smirnovSurvival } from '../../../src/stats/kolmogorov-distribution';
import { ksAsymptoticPValue, ksExactPValue, ksStatisticSorted, ksTwoSample, ksTwoSampleSorted } from '../../../src/stats/ks';
import { mulberry32, randomNormal } from '../../../src/stats/random';
import { sortedCopy } from '../../../src/stats/sorting';
import { describeWithShared, loadStatsVectors } from '../../support/shared';

function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-300);
}

describeWithShared('ks_2samp against SciPy 1.10 reference vectors', () => {
  const vectors = loadStatsVectors().ks_2samp;

  it.each(vectors.map((v, i) => [i, v] as const))('case %i: statistic, auto p-value and asymptotic p-value', (_i, v) => {
    const result = ksTwoSample(v.a, v.b);
    expect(Math.abs(result.statistic - v.statistic)).toBeLessThan(1e-12);
    expect(relativeError(result.pValue, v.pvalue)).toBeLessThan(1e-9);
    const d = ksStatisticSorted(sortedCopy(v.a), sortedCopy(v.b));
    expect(relativeError(ksAsymptoticPValue(v.a.length, v.b.length, d), v.pvalue_asymp)).toBeLessThan(1e-9);
  });

  it('takes the exact path up to 10,000 rows and the asymptotic path above', () => {
    const methods = vectors.map((v) => ksTwoSample(v.a, v.b).method);
    vectors.forEach((v, i) => {
      expect(methods[i]).toBe(Math.max(v.a.length, v.b.length) <= 10000 ? 'exact' : 'asymptotic');
    });
  });
});

describe('KS statistic (hand-computed)', () => {
  it('handles ties the way SciPy does (CDFs compared only after a whole run of equal values)', () => {
    // F_a jumps to 2/3 at 1 and F_b to 1/2 at 1: comparing inside the run of 1s would report 1/3.
    expect(ksStatisticSorted([1, 1, 2], [1, 2])).toBeCloseTo(1 / 6, 15);
    expect(ksTwoSample([1, 2, 3], [1, 2, 3]).statistic).toBe(0);
  });

  it('is 1 for disjoint samples and the exact p-value is 2/C(n1+n2, n1)', () => {
    const result = ksTwoSample([1, 2, 3], [4, 5, 6, 7]);
    expect(result.statistic).toBe(1);
    expect(result.method).toBe('exact');
    expect(result.pValue).toBeCloseTo(2 / 35, 14);
  });

  it('matches the equal-size closed form for n = 2: Pr(D ≥ 1) = 2/C(4,2)', () => {
    expect(ksExactPValue(2, 2, 1)!.pValue).toBeCloseTo(1 / 3, 14);
  });

  it('gives statistic 0 and p-value 1 for identical samples', () => {
    const random = mulberry32(7);
    const sample = Array.from({ length: 500 }, () => randomNormal(random));
    const result = ksTwoSample(sample, sample.slice().reverse());
    expect(result.statistic).toBe(0);
    expect(result.pValue).toBe(1);
  });

  it('sorted variant agrees with the unsorted one', () => {
    const random = mulberry32(11);
    const a = Array.from({ length: 300 }, () => randomNormal(random));
    const b = Array.from({ length: 170 }, () => randomNormal(random, 0.3));
    const unsorted = ksTwoSample(a, b);
    const sorted = ksTwoSampleSorted(sortedCopy(a), sortedCopy(b));
    expect(sorted).toEqual(unsorted);
  });

  it('uses the asymptotic p-value with effective sizes and a tolerance when given a sketch', () => {
    const random = mulberry32(3);
    const a = sortedCopy(Array.from({ length: 2000 }, () => randomNormal(random)));
    const b = sortedCopy(Array.from({ length: 400 }, () => randomNormal(random, 0.1)));
    const d = ksStatisticSorted(a, b);
    const sketch = ksTwoSampleSorted(a, b, { effectiveSizeA: 100000, statisticTolerance: 1 / 2000 });
    expect(sketch.method).toBe('asymptotic');
    expect(sketch.statistic).toBe(d);
    expect(sketch.pValue).toBeCloseTo(ksAsymptoticPValue(100000, 400, d - 1 / 2000), 14);
  });

  it('returns NaN (not evaluated) for an empty sample', () => {
    expect(Number.isNaN(ksTwoSample([], [1, 2]).pValue)).toBe(true);
  });
});

describe('Kolmogorov distributions (values from SciPy 1.10)', () => {
  // scipy.stats.kstwo.sf(x, n), scipy.special.smirnov(n, x), scipy.special.kolmogorov(x)
  it.each([
    [3, 0.4286, 0.5159572412053333],
    [86, 0.19333333333333333, 0.002729633913879013],
  ])('kstwo.sf n=%i x=%f', (n, x, expected) => {
    expect(relativeError(kolmogorovNSurvival(n, x), expected)).toBeLessThan(1e-9);
  });

  it('kstwo.sf is 1 at tiny x and 2(1−x)^n near 1 (Ruben–Gambino)', () => {
    expect(kolmogorovNSurvival(100, 0.001)).toBe(1);
    expect(kolmogorovNSurvival(10, 0.95)).toBeCloseTo(2 * 0.05 ** 10, 25);
  });

  it('smirnov for n=1 and the limiting Kolmogorov tail', () => {
    expect(smirnovSurvival(1, 0.3)).toBeCloseTo(0.7, 15);
    // Pr(K > 1) = 2 Σ (−1)^{k−1} e^{−2k²} = 0.26999967167735456
    expect(relativeError(kolmogorovSurvival(1), 0.26999967167735456)).toBeLessThan(1e-12);
  });
});
