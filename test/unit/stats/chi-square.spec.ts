import { chiSquareContingency, chiSquareTwoSample } from '../../../src/stats/chi-square';
import { chiSquareSurvival, logGamma, regularizedGammaP, regularizedGammaQ } from '../../../src/stats/special-functions';
import { describeWithShared, loadStatsVectors } from '../../support/shared';

describeWithShared('chi2_contingency against SciPy reference vectors', () => {
  it.each(loadStatsVectors().chi2_contingency.map((v, i) => [i, v] as const))('case %i', (_i, v) => {
    const result = chiSquareContingency(v.table, { correction: v.correction });
    expect(Math.abs(result.statistic - v.statistic)).toBeLessThan(1e-9);
    expect(result.dof).toBe(v.dof);
    expect(Math.abs(result.pValue - v.pvalue)).toBeLessThan(1e-9 * Math.max(v.pvalue, 1e-3));
  });
});

describe('special functions', () => {
  it('log-gamma matches factorials and Γ(1/2) = √π', () => {
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(logGamma(11)).toBeCloseTo(Math.log(3628800), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(logGamma(171.5)).toBeCloseTo(709.1431630309283, 9);
  });
  it('P + Q = 1 on both sides of the series/continued-fraction switch', () => {
    for (const [a, x] of [
      [0.5, 0.1],
      [3, 2],
      [3, 10],
      [50, 49],
      [50, 80],
    ]) {
      expect(regularizedGammaP(a, x) + regularizedGammaQ(a, x)).toBeCloseTo(1, 14);
    }
  });
  it('chi-square survival: closed forms for 2 dof (e^{−x/2}) and 1 dof (erfc)', () => {
    expect(chiSquareSurvival(3, 2)).toBeCloseTo(Math.exp(-1.5), 15);
    // scipy.stats.chi2.sf(3.841458820694124, 1) = 0.05
    expect(chiSquareSurvival(3.841458820694124, 1)).toBeCloseTo(0.05, 13);
    // scipy.stats.chi2.sf(300, 100) = 7.4121008573230175e-22
    expect(chiSquareSurvival(300, 100) / 7.4121008573230175e-22).toBeCloseTo(1, 10);
  });
});

describe('chi-square homogeneity test (hand-computed)', () => {
  it('computes the 2x2 statistic from margins without correction', () => {
    // Expected counts 15/15/15/15 → Σ (±5)²/15 = 100/15.
    const result = chiSquareTwoSample([20, 10], [10, 20]);
    expect(result.statistic).toBeCloseTo(100 / 15, 13);
    expect(result.dof).toBe(1);
  });
  it('applies Yates only for one degree of freedom when asked', () => {
    expect(chiSquareTwoSample([20, 10], [10, 20], { correction: true }).statistic).toBeCloseTo(81 / 15, 13);
    const threeCats = chiSquareTwoSample([20, 10, 5], [10, 20, 5], { correction: true });
    expect(threeCats.statistic).toBeCloseTo(chiSquareTwoSample([20, 10, 5], [10, 20, 5]).statistic, 14);
  });
  it('drops empty categories and returns NaN when no test is possible', () => {
    expect(chiSquareTwoSample([20, 0, 10], [10, 0, 20]).dof).toBe(1);
    expect(Number.isNaN(chiSquareTwoSample([5, 0], [7, 0]).pValue)).toBe(true);
  });
  it('identical proportions give statistic 0 and p-value 1', () => {
    const result = chiSquareTwoSample([100, 200, 300], [10, 20, 30]);
    expect(result.statistic).toBeCloseTo(0, 12);
    expect(result.pValue).toBeCloseTo(1, 12);
  });
});
