import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { betaCdf, betaQuantile, betaSurvival, regularizedIncompleteBeta } from '../../../src/stats/beta-distribution';
import { binomialCdf, binomialSurvival } from '../../../src/stats/binomial';
import { rocAuc } from '../../../src/stats/classification-metrics';
import { delongRocAuc, delongRocAucSorted, ksSeparation, rocCurvePoints, rocCurvePointsSorted } from '../../../src/stats/delong';
import { mulberry32 } from '../../../src/stats/random';
import { chiSquareSurvival } from '../../../src/stats/special-functions';

/** scripts/reference/credit_validation.py: scipy 1.17 / scikit-learn 1.9 / mpmath reference values. */
interface Fixture {
  beta: Array<{ x: number; a: number; b: number; cdf: number; sf: number; mpCdf: number; mpSf: number }>;
  betaQuantile: Array<{ q: number; a: number; b: number; x: number }>;
  binomial: Array<{ k: number; n: number; p: number; survival: number; cdf: number }>;
  chiSquare: Array<{ x: number; dof: number; survival: number }>;
  delong: Array<{
    name: string;
    labels: number[];
    scores: number[];
    auc: number;
    sklearnAuc: number;
    variance: number | null;
    standardError: number | null;
    positives: number;
    negatives: number;
    ksSeparation: number;
    rocCurve: Array<[number, number]>;
  }>;
}

const fixture = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'reference', 'credit-validation.json'), 'utf8')) as Fixture;

/** The bar: every statistic within 1e-9 of scipy. */
const SCIPY_TOLERANCE = 1e-9;
/** Values below this are "zero" (scipy underflows to 0 somewhat earlier or later than we do). */
const UNDERFLOW = 1e-290;

/** Relative error, with both sides below UNDERFLOW counted as equal (0) and one side below it as a total miss. */
function relativeError(actual: number, expected: number): number {
  if (Math.abs(expected) < UNDERFLOW) return Math.abs(actual) < UNDERFLOW ? 0 : Infinity;
  return Math.abs(actual - expected) / Math.abs(expected);
}

function worst<T>(cases: T[], error: (c: T) => number): { error: number; case: T | null } {
  let result: { error: number; case: T | null } = { error: 0, case: null };
  for (const c of cases) {
    const e = error(c);
    if (!(e <= result.error)) result = { error: e, case: c };
  }
  return result;
}

describe('beta distribution against scipy.special.betainc / betaincc and a 60-digit mpmath evaluation', () => {
  it(`CDF and survival function within ${SCIPY_TOLERANCE} relative of scipy on every case (a, b from 0.5 to 1e6 + 0.5)`, () => {
    expect(fixture.beta.length).toBeGreaterThan(500);
    const cdf = worst(fixture.beta, (c) => relativeError(betaCdf(c.x, c.a, c.b), c.cdf));
    const sf = worst(fixture.beta, (c) => relativeError(betaSurvival(c.x, c.a, c.b), c.sf));
    expect(cdf.error).toBeLessThan(SCIPY_TOLERANCE);
    expect(sf.error).toBeLessThan(SCIPY_TOLERANCE);
  });

  it('within 1e-12 relative of the 60-digit values (the accuracy beta-distribution.ts states), tails included', () => {
    const cdf = worst(fixture.beta, (c) => relativeError(betaCdf(c.x, c.a, c.b), c.mpCdf));
    const sf = worst(fixture.beta, (c) => relativeError(betaSurvival(c.x, c.a, c.b), c.mpSf));
    expect(cdf.error).toBeLessThan(1e-12);
    expect(sf.error).toBeLessThan(1e-12);
  });

  it('is accurate where the naive prefactor is not: a + b = 2e6 at the mean and beyond', () => {
    const large = fixture.beta.filter((c) => c.a + c.b > 1e6 && c.mpCdf > 1e-6 && c.mpSf > 1e-6);
    expect(large.length).toBeGreaterThan(20);
    for (const c of large) {
      // Up to 8 standard deviations out the condition number x·f(x)/I reaches ~1e3.
      expect(relativeError(betaCdf(c.x, c.a, c.b), c.mpCdf)).toBeLessThan(3e-13);
      expect(relativeError(betaSurvival(c.x, c.a, c.b), c.mpSf)).toBeLessThan(3e-13);
    }
  });

  it('regularizedIncompleteBeta(a, b, x) is betaCdf(x, a, b); the ends are exact', () => {
    for (const c of fixture.beta.slice(0, 50)) expect(regularizedIncompleteBeta(c.a, c.b, c.x)).toBe(betaCdf(c.x, c.a, c.b));
    expect(betaCdf(0, 2.5, 3)).toBe(0);
    expect(betaCdf(1, 2.5, 3)).toBe(1);
    expect(betaSurvival(0, 2.5, 3)).toBe(1);
    expect(betaSurvival(1, 2.5, 3)).toBe(0);
    // Beta(1, 1) is uniform; Beta(½, ½) is the arcsine law.
    expect(betaCdf(0.3, 1, 1)).toBeCloseTo(0.3, 15);
    expect(betaCdf(0.25, 0.5, 0.5)).toBeCloseTo((2 / Math.PI) * Math.asin(0.5), 15);
  });

  it('returns NaN outside the domain', () => {
    expect(betaCdf(-0.1, 1, 1)).toBeNaN();
    expect(betaCdf(1.1, 1, 1)).toBeNaN();
    expect(betaCdf(0.5, 0, 1)).toBeNaN();
    expect(betaSurvival(0.5, 1, -1)).toBeNaN();
    expect(betaQuantile(1.5, 1, 1)).toBeNaN();
    expect(betaQuantile(0.5, 0, 1)).toBeNaN();
  });

  it(`quantile within ${SCIPY_TOLERANCE} relative of scipy.stats.beta.ppf (and 1e-12 where q is not a rounded 1 − tiny)`, () => {
    expect(fixture.betaQuantile.length).toBeGreaterThan(500);
    const all = worst(fixture.betaQuantile, (c) => relativeError(betaQuantile(c.q, c.a, c.b), c.x));
    expect(all.error).toBeLessThan(SCIPY_TOLERANCE);
    const central = worst(
      fixture.betaQuantile.filter((c) => c.q >= 1e-10 && c.q <= 0.995),
      (c) => relativeError(betaQuantile(c.q, c.a, c.b), c.x),
    );
    expect(central.error).toBeLessThan(1e-12);
    expect(betaQuantile(0, 3, 4)).toBe(0);
    expect(betaQuantile(1, 3, 4)).toBe(1);
  });

  it('quantile inverts the CDF from either tail to within a few ulps of the root, down to roots near 1e-30 and near 1', () => {
    // The test is on x, not on CDF(x) = q: next to 1 the doubles are 1.1e-16 apart, and at
    // Beta(1e6, ½) one step there moves the CDF by ~1e-10 relative.
    const bracketsRoot = (tail: (x: number) => number, x: number, target: number, increasing: boolean): void => {
      const step = 4 * Number.EPSILON * x;
      const [below, above] = [tail(x - step), tail(Math.min(1, x + step))];
      const slack = 1e-13 * target;
      if (increasing) {
        expect(below).toBeLessThanOrEqual(target + slack);
        expect(above).toBeGreaterThanOrEqual(target - slack);
      } else {
        expect(below).toBeGreaterThanOrEqual(target - slack);
        expect(above).toBeLessThanOrEqual(target + slack);
      }
    };
    for (const [a, b] of [
      [0.5, 1e6 + 0.5],
      [1e6 + 0.5, 0.5],
      [2.5, 3.5],
      [12.5, 99988.5],
    ]) {
      for (const q of [1e-12, 0.01, 0.5, 0.99]) {
        bracketsRoot((x) => betaCdf(x, a, b), betaQuantile(q, a, b), q, true);
        // The upper quantile of level 1 − q solves survival = 1 − (1 − q) (q itself, except for the rounding of 1 − 1e-12).
        bracketsRoot((x) => betaSurvival(x, a, b), betaQuantile(1 - q, a, b), 1 - (1 - q), false);
      }
    }
  });
});

describe('binomial tails against scipy.stats.binom', () => {
  it(`P(X >= k) = binom.sf(k − 1, n, p) and P(X <= k) = binom.cdf within ${SCIPY_TOLERANCE} relative (n up to 1e6, p at 0 and 1)`, () => {
    expect(fixture.binomial.length).toBeGreaterThan(200);
    expect(worst(fixture.binomial, (c) => relativeError(binomialSurvival(c.k, c.n, c.p), c.survival)).error).toBeLessThan(SCIPY_TOLERANCE);
    expect(worst(fixture.binomial, (c) => relativeError(binomialCdf(c.k, c.n, c.p), c.cdf)).error).toBeLessThan(SCIPY_TOLERANCE);
  });

  it('has the exact degenerate cases', () => {
    expect(binomialSurvival(0, 10, 0.3)).toBe(1);
    expect(binomialSurvival(-3, 10, 0.3)).toBe(1);
    expect(binomialSurvival(11, 10, 0.3)).toBe(0);
    expect(binomialSurvival(0, 10, 0)).toBe(1);
    expect(binomialSurvival(1, 10, 0)).toBe(0);
    expect(binomialSurvival(10, 10, 1)).toBe(1);
    expect(binomialSurvival(0, 0, 0.5)).toBe(1);
    expect(binomialSurvival(1, 1, 0.25)).toBeCloseTo(0.25, 15);
    expect(binomialCdf(9, 10, 1)).toBe(0);
    expect(binomialCdf(0, 10, 0)).toBe(1);
    expect(binomialCdf(-1, 10, 0.5)).toBe(0);
    expect(binomialCdf(10, 10, 0.5)).toBe(1);
  });

  it('survival and CDF are complementary; invalid arguments give NaN', () => {
    for (const [k, n, p] of [
      [3, 20, 0.1],
      [500, 1000, 0.5],
      [1234, 100000, 0.012],
    ]) {
      expect(binomialSurvival(k + 1, n, p) + binomialCdf(k, n, p)).toBeCloseTo(1, 14);
    }
    expect(binomialSurvival(1.5, 10, 0.5)).toBeNaN();
    expect(binomialSurvival(1, 10.5, 0.5)).toBeNaN();
    expect(binomialSurvival(1, -1, 0.5)).toBeNaN();
    expect(binomialCdf(1, 10, 1.5)).toBeNaN();
  });
});

describe('chi-square tail against scipy.stats.chi2.sf', () => {
  it(`within ${SCIPY_TOLERANCE} relative, dof 1 to 25, p down to ~1e-87`, () => {
    expect(worst(fixture.chiSquare, (c) => relativeError(chiSquareSurvival(c.x, c.dof), c.survival)).error).toBeLessThan(SCIPY_TOLERANCE);
  });
});

describe('DeLong AUC and variance against a direct O(m·n) implementation of DeLong (1988) and scikit-learn', () => {
  it.each(fixture.delong.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = delongRocAuc(c.labels, c.scores);
    expect(result.positives).toBe(c.positives);
    expect(result.negatives).toBe(c.negatives);
    expect(Math.abs(result.auc - c.auc)).toBeLessThan(1e-14);
    expect(Math.abs(result.auc - c.sklearnAuc)).toBeLessThan(1e-14);
    if (c.variance === null) {
      expect(result.variance).toBeNaN();
    } else if (c.variance === 0) {
      expect(result.variance).toBe(0);
    } else {
      expect(relativeError(result.variance, c.variance)).toBeLessThan(SCIPY_TOLERANCE);
      expect(relativeError(result.standardError, c.standardError!)).toBeLessThan(SCIPY_TOLERANCE);
    }
    expect(Math.abs(ksSeparation(c.labels, c.scores) - c.ksSeparation)).toBeLessThan(1e-15);
    const curve = rocCurvePoints(c.labels, c.scores);
    expect(curve.map((p) => [p.falsePositiveRate, p.truePositiveRate])).toEqual(c.rocCurve);
  });

  it('agrees with the Mann–Whitney rocAuc of classification-metrics.ts and with the trapezoidal area of its curve', () => {
    const random = mulberry32(11);
    const labels = Array.from({ length: 5000 }, () => (random() < 0.1 ? 1 : 0));
    const scores = labels.map((y) => Math.round((random() + 0.3 * y) * 50) / 50);
    const result = delongRocAuc(labels, scores);
    expect(result.auc).toBeCloseTo(rocAuc(labels, scores), 14);
    const curve = rocCurvePoints(labels, scores, 100000);
    let area = 0;
    for (let i = 1; i < curve.length; i++) {
      area +=
        ((curve[i].falsePositiveRate - curve[i - 1].falsePositiveRate) * (curve[i].truePositiveRate + curve[i - 1].truePositiveRate)) / 2;
    }
    expect(area).toBeCloseTo(result.auc, 12);
  });

  it('thins the curve evenly to maxPoints, keeping (0,0) and (1,1)', () => {
    const random = mulberry32(5);
    const labels = Array.from({ length: 3000 }, () => (random() < 0.3 ? 1 : 0));
    const scores = labels.map((y) => random() + 0.5 * y);
    const full = rocCurvePoints(labels, scores, 1e6);
    expect(full).toHaveLength(3001);
    const thinned = rocCurvePoints(labels, scores, 50);
    expect(thinned).toHaveLength(50);
    expect(thinned[0]).toEqual({ falsePositiveRate: 0, truePositiveRate: 0 });
    expect(thinned[49]).toEqual({ falsePositiveRate: 1, truePositiveRate: 1 });
    for (let i = 1; i < thinned.length; i++) {
      expect(thinned[i].falsePositiveRate).toBeGreaterThanOrEqual(thinned[i - 1].falsePositiveRate);
      expect(thinned[i].truePositiveRate).toBeGreaterThanOrEqual(thinned[i - 1].truePositiveRate);
    }
    expect(() => rocCurvePoints(labels, scores, 1)).toThrow(/maxPoints/);
  });

  it('an empty class gives NaN figures and no curve; one member gives an AUC without a variance', () => {
    const none = delongRocAuc([0, 0, 0], [0.1, 0.2, 0.3]);
    expect(none).toMatchObject({ positives: 0, negatives: 3 });
    expect(none.auc).toBeNaN();
    expect(none.standardError).toBeNaN();
    expect(rocCurvePoints([1, 1], [0.1, 0.2])).toEqual([]);
    expect(ksSeparation([1, 1], [0.1, 0.2])).toBeNaN();
    const single = delongRocAuc([1, 0, 0], [0.5, 0.2, 0.7]);
    expect(single.auc).toBe(0.5);
    expect(single.variance).toBeNaN();
  });

  it('the sorted variants refuse unsorted input; different lengths are a RangeError', () => {
    expect(() => delongRocAucSorted([0.3, 0.1], [0.2])).toThrow(/positives must be sorted/);
    expect(() => rocCurvePointsSorted([0.1], [0.3, 0.2])).toThrow(/negatives must be sorted/);
    expect(() => delongRocAuc([1, 0], [0.5])).toThrow(RangeError);
  });

  it('a million scores (speed is measured by npm run bench:validation, not here): the AUC of two shifted uniforms', () => {
    const random = mulberry32(3);
    const n = 1_000_000;
    const labels = new Float64Array(n);
    const scores = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = random() < 0.05 ? 1 : 0;
      scores[i] = random() + 0.4 * labels[i];
    }
    const result = delongRocAuc(labels, scores);
    // Two uniform(0, 1) scores shifted by 0.4: AUC = 1 − 0.6²/2 = 0.82.
    expect(result.auc).toBeGreaterThan(0.81);
    expect(result.auc).toBeLessThan(0.83);
    expect(result.standardError).toBeGreaterThan(0);
  });
});
