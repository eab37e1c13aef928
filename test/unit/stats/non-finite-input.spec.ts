/**
 * Every exported function of src/stats either rejects a NaN or ±Infinity input with a RangeError
 * that names the argument, or returns NaN (or its equivalent: null, 'unknown', false) — the choice
 * is documented on each function. None may hang or return a finite number computed around the
 * bad value.
 */
import { betaCdf, betaQuantile, betaSurvival, regularizedIncompleteBeta } from '../../../src/stats/beta-distribution';
import { binomialCdf, binomialSurvival } from '../../../src/stats/binomial';
import { chiSquareContingency, chiSquareTwoSample } from '../../../src/stats/chi-square';
import { binaryMetrics, calibrationTable, logLoss, rocAuc } from '../../../src/stats/classification-metrics';
import { delongRocAuc, delongRocAucSorted, ksSeparation, rocCurvePoints, rocCurvePointsSorted } from '../../../src/stats/delong';
import { moments, quantileSorted, quantilesSorted } from '../../../src/stats/descriptive';
import { finiteOrNull } from '../../../src/stats/finite';
import { jensenShannonDistance, jensenShannonDivergence } from '../../../src/stats/jensen-shannon';
import {
  kolmogorovInternals,
  kolmogorovNCdf,
  kolmogorovNSurvival,
  kolmogorovSurvival,
  smirnovSurvival,
} from '../../../src/stats/kolmogorov-distribution';
import {
  ksAccuratePValue,
  ksAsymptoticPValue,
  ksCorrectedAsymptoticPValue,
  ksExactLatticeCells,
  ksExactPValue,
  ksPValue,
  ksStatisticSorted,
  ksTwoSample,
  ksTwoSampleSorted,
} from '../../../src/stats/ks';
import { benjaminiHochbergAdjust, holmAdjust } from '../../../src/stats/multiple-testing';
import { erfc, normalCdf, normalQuantile, normalUpperQuantile, normalUpperTail } from '../../../src/stats/normal-distribution';
import { populationStabilityIndex, psiLevel, psiNoiseExpectation } from '../../../src/stats/psi';
import { deriveSeed, mulberry32, randomInt, randomNormal } from '../../../src/stats/random';
import {
  allFinite,
  countNonFinite,
  isSortedAscending,
  lowerBound,
  sortedCopy,
  sortFloat64InPlace,
  upperBound,
} from '../../../src/stats/sorting';
import {
  chiSquareCdf,
  chiSquareSurvival,
  logFactorial,
  logGamma,
  regularizedGammaP,
  regularizedGammaQ,
} from '../../../src/stats/special-functions';
import { accurateSum, CompensatedSum } from '../../../src/stats/summation';
import { wassersteinDistance, wassersteinSorted } from '../../../src/stats/wasserstein';

const BAD = [NaN, Infinity, -Infinity];
const each = BAD.map((v) => [String(v), v] as const);

describe.each(each)('non-finite input %s', (_name, bad) => {
  describe('samples: NaN result', () => {
    it('ksStatisticSorted, ksTwoSampleSorted, ksTwoSample', () => {
      const a = Float64Array.from([1, 2, 3, bad].sort((x, y) => x - y));
      const b = Float64Array.from([1.5, 2.5]);
      expect(ksStatisticSorted(a, b)).toBeNaN();
      expect(ksStatisticSorted(b, a)).toBeNaN();
      for (const options of [{}, { maxExactCells: 1e6 }, { effectiveSizeA: 1000, statisticTolerance: 0.01 }]) {
        const result = ksTwoSampleSorted(a, b, options);
        expect(result.statistic).toBeNaN();
        expect(result.pValue).toBeNaN();
      }
      // SciPy's ks_2samp returns NaN for NaN input; before, a NaN sorted to the end looked like a large value.
      expect(ksTwoSample([0.1, bad, 0.3], [0.2, 0.4]).pValue).toBeNaN();
      expect(ksTwoSample([0.2, 0.4], [0.1, bad, 0.3]).statistic).toBeNaN();
    });

    it('wassersteinSorted and wassersteinDistance return NaN instead of stalling the merge', () => {
      expect(wassersteinDistance([1, bad, 2], [1, 2, 3])).toBeNaN();
      expect(wassersteinDistance([1, 2, 3], [bad])).toBeNaN();
      expect(wassersteinSorted([1, 2, bad], [1, 2])).toBeNaN();
      expect(wassersteinSorted([bad, 1], [0, 1])).toBeNaN();
    });

    it('rocAuc, logLoss and binaryMetrics', () => {
      // Was 0.75 for a NaN score: the NaN row sorted somewhere and got a rank.
      expect(rocAuc([0, 1, 0, 1], [0.1, bad, 0.4, 0.8])).toBeNaN();
      expect(rocAuc([0, bad, 0, 1], [0.1, 0.3, 0.4, 0.8])).toBeNaN();
      expect(logLoss([0, 1], [0.2, bad])).toBeNaN();
      expect(logLoss([bad, 1], [0.2, 0.7])).toBeNaN();
      const metrics = binaryMetrics([0, 1, 1], [0.2, bad, 0.9], 0.5);
      for (const value of Object.values(metrics)) expect(value).toBeNaN();
    });

    it('DeLong AUC, ROC curve and KS separation: NaN figures, an empty curve', () => {
      for (const result of [
        delongRocAuc([0, 1, 0, 1], [0.1, bad, 0.4, 0.8]),
        delongRocAuc([0, bad, 0, 1], [0.1, 0.3, 0.4, 0.8]),
        delongRocAucSorted(
          [0.2, bad].sort((x, y) => x - y),
          [0.1, 0.3],
        ),
        delongRocAucSorted([0.2, 0.5], [bad]),
      ]) {
        expect(result.auc).toBeNaN();
        expect(result.variance).toBeNaN();
        expect(result.standardError).toBeNaN();
      }
      expect(rocCurvePoints([0, 1, 0, 1], [0.1, bad, 0.4, 0.8])).toEqual([]);
      expect(rocCurvePoints([0, bad, 0, 1], [0.1, 0.3, 0.4, 0.8])).toEqual([]);
      expect(rocCurvePointsSorted([0.2, 0.5], [bad])).toEqual([]);
      expect(ksSeparation([0, 1, 0, 1], [0.1, bad, 0.4, 0.8])).toBeNaN();
      expect(ksSeparation([bad, 1, 0, 1], [0.1, 0.3, 0.4, 0.8])).toBeNaN();
    });

    it('moments and quantiles', () => {
      const m = moments([1, 2, bad, 4]);
      expect(m.count).toBe(4);
      for (const value of [m.mean, m.sd, m.min, m.max]) expect(value).toBeNaN();
      const sorted = sortedCopy([3, 1, bad, 2]);
      expect(quantileSorted(sorted, 0.5)).toBeNaN();
      expect(quantilesSorted(sorted, [0.1, 0.9]).every(Number.isNaN)).toBe(true);
    });

    it('PSI, Jensen–Shannon and the noise expectation', () => {
      expect(populationStabilityIndex([10, bad, 5], [4, 4, 4])).toBeNaN();
      expect(populationStabilityIndex([10, 5, 5], [4, bad, 4])).toBeNaN();
      expect(jensenShannonDivergence([1, bad], [1, 1])).toBeNaN();
      expect(jensenShannonDistance([1, 1], [bad, 1])).toBeNaN();
      expect(psiNoiseExpectation(10, bad, 100)).toBeNaN();
      expect(psiNoiseExpectation(10, 100, bad)).toBeNaN();
      expect(psiNoiseExpectation(bad, 100, 100)).toBeNaN();
      expect(psiLevel(bad)).toBe('unknown');
    });

    it('sums', () => {
      expect(accurateSum([1, bad, 2])).toBeNaN();
      const sum = new CompensatedSum();
      sum.add(1);
      sum.add(bad);
      expect(sum.value).toBeNaN();
    });

    it('multiple-testing adjustments leave a non-finite p-value out of the family', () => {
      expect(holmAdjust([0.01, bad, 0.04])).toEqual([0.02, NaN, 0.04]);
      expect(benjaminiHochbergAdjust([0.01, bad, 0.04])).toEqual([0.02, NaN, 0.04]);
    });

    it('finiteOrNull maps it to null', () => {
      expect(finiteOrNull(bad)).toBeNull();
    });

    it('the finiteness helpers report it, and isSortedAscending refuses NaN', () => {
      expect(allFinite([1, bad])).toBe(false);
      expect(countNonFinite([1, bad, bad, 2])).toBe(2);
      if (Number.isNaN(bad)) {
        // NaN compares false with its neighbours, so a plain pairwise check would call this sorted.
        expect(isSortedAscending([0, bad, 2])).toBe(false);
      } else {
        expect(isSortedAscending(bad > 0 ? [0, 1, bad] : [bad, 0, 1])).toBe(true);
        expect(isSortedAscending(bad > 0 ? [0, bad, 1] : [0, bad, 1])).toBe(false);
      }
    });

    it('sorting puts it at an end, with the comparison sort and with the radix sort', () => {
      for (const n of [10, 5000]) {
        const values = Array.from({ length: n }, (_, i) => (i * 7919) % n);
        values[n >> 1] = bad;
        const sorted = sortFloat64InPlace(Float64Array.from(values));
        const ends = [sorted[0], sorted[n - 1]];
        expect(ends.some((v) => Object.is(v, bad))).toBe(true);
        const finite = Array.from(sorted).filter(Number.isFinite);
        expect(isSortedAscending(finite)).toBe(true);
        expect(finite).toHaveLength(n - 1);
      }
    });
  });

  describe('distributions and p-values: NaN result', () => {
    it('Kolmogorov and Smirnov distributions (statistic or size)', () => {
      expect(smirnovSurvival(100, bad)).toBeNaN();
      expect(smirnovSurvival(bad, 0.1)).toBeNaN();
      expect(kolmogorovNSurvival(100, bad)).toBeNaN();
      expect(kolmogorovNSurvival(bad, 0.1)).toBeNaN();
      expect(kolmogorovNCdf(100, bad)).toBeNaN();
      expect(kolmogorovNCdf(bad, 0.1)).toBeNaN();
      expect(kolmogorovSurvival(bad)).toBeNaN();
      expect(kolmogorovInternals.kolmogorovCdfDurbin(100, bad)).toBeNaN();
      expect(kolmogorovInternals.kolmogorovCdfPomeranz(100, bad)).toBeNaN();
      expect(kolmogorovInternals.kolmogorovPelzGood(100, bad, true)).toBeNaN();
      expect(kolmogorovInternals.kolmogorovPelzGood(bad, 0.1, false)).toBeNaN();
    });

    it('KS p-values of a non-finite statistic', () => {
      expect(ksExactPValue(30, 40, bad)!.pValue).toBeNaN();
      expect(ksAsymptoticPValue(30, 40, bad)).toBeNaN();
      expect(ksCorrectedAsymptoticPValue(30, 40, bad)).toBeNaN();
      expect(ksPValue(30, 40, bad).pValue).toBeNaN();
      expect(ksAccuratePValue(30, 40, bad).pValue).toBeNaN();
      expect(ksExactLatticeCells(30, 40, bad)).toBeNaN();
    });

    it('normal distribution: NaN gives NaN, ±Infinity the exact limits; the quantile refuses non-probabilities', () => {
      if (Number.isNaN(bad)) {
        expect(normalCdf(bad)).toBeNaN();
        expect(erfc(bad)).toBeNaN();
      } else {
        expect(normalCdf(bad)).toBe(bad > 0 ? 1 : 0);
        expect(erfc(bad)).toBe(bad > 0 ? 0 : 2);
      }
      expect(() => normalQuantile(bad)).toThrow(/0 < p < 1/);
      expect(() => normalUpperQuantile(bad)).toThrow(/0 < p < 1/);
      if (Number.isNaN(bad)) expect(normalUpperTail(bad)).toBeNaN();
      else expect(normalUpperTail(bad)).toBe(bad > 0 ? 0 : 1);
    });

    it('beta and binomial distributions (every argument)', () => {
      expect(regularizedIncompleteBeta(bad, 2, 0.3)).toBeNaN();
      expect(regularizedIncompleteBeta(2, bad, 0.3)).toBeNaN();
      expect(regularizedIncompleteBeta(2, 3, bad)).toBeNaN();
      expect(betaCdf(bad, 2, 3)).toBeNaN();
      expect(betaCdf(0.3, bad, 3)).toBeNaN();
      expect(betaCdf(0.3, 2, bad)).toBeNaN();
      expect(betaSurvival(bad, 2, 3)).toBeNaN();
      expect(betaSurvival(0.3, bad, 3)).toBeNaN();
      expect(betaSurvival(0.3, 2, bad)).toBeNaN();
      expect(betaQuantile(bad, 2, 3)).toBeNaN();
      expect(betaQuantile(0.3, bad, 3)).toBeNaN();
      expect(betaQuantile(0.3, 2, bad)).toBeNaN();
      expect(binomialSurvival(bad, 10, 0.3)).toBeNaN();
      expect(binomialSurvival(3, bad, 0.3)).toBeNaN();
      expect(binomialSurvival(3, 10, bad)).toBeNaN();
      expect(binomialCdf(bad, 10, 0.3)).toBeNaN();
      expect(binomialCdf(3, bad, 0.3)).toBeNaN();
      expect(binomialCdf(3, 10, bad)).toBeNaN();
    });

    it('special functions', () => {
      expect(logGamma(bad)).toBeNaN();
      expect(logFactorial(bad)).toBeNaN();
      expect(regularizedGammaP(bad, 1)).toBeNaN();
      expect(regularizedGammaP(1, bad)).toBeNaN();
      expect(regularizedGammaQ(bad, 1)).toBeNaN();
      expect(regularizedGammaQ(1, bad)).toBeNaN();
      expect(chiSquareSurvival(bad, 3)).toBeNaN();
      expect(chiSquareSurvival(3, bad)).toBeNaN();
      expect(chiSquareCdf(bad, 3)).toBeNaN();
      expect(chiSquareCdf(3, bad)).toBeNaN();
    });
  });

  describe('parameters and counts: RangeError naming the argument', () => {
    it('KS sample sizes', () => {
      expect(() => ksExactPValue(bad, 40, 0.1)).toThrow(/n1/);
      expect(() => ksAsymptoticPValue(30, bad, 0.1)).toThrow(/n2/);
      expect(() => ksCorrectedAsymptoticPValue(bad, 40, 0.1)).toThrow(/n1/);
      expect(() => ksPValue(30, bad, 0.1)).toThrow(/n2/);
      expect(() => ksAccuratePValue(bad, 40, 0.1)).toThrow(/n1/);
      expect(() => ksExactLatticeCells(30, bad, 0.1)).toThrow(/n2/);
      if (Number.isNaN(bad) || bad < 0) expect(() => ksAccuratePValue(30, 40, 0.1, bad)).toThrow(/maxExactCells/);
    });

    it('chi-square counts', () => {
      expect(() =>
        chiSquareContingency([
          [1, 2],
          [3, bad],
        ]),
      ).toThrow(/table\[1\]\[1\]/);
      expect(() => chiSquareTwoSample([1, bad], [3, 4])).toThrow(/referenceCounts\[1\]/);
      expect(() => chiSquareTwoSample([1, 2], [bad, 4])).toThrow(/currentCounts\[0\]/);
    });

    it('classification thresholds and calibration scores', () => {
      expect(() => binaryMetrics([0, 1], [0.2, 0.8], bad)).toThrow(/threshold/);
      expect(() => calibrationTable([0, 1, 1], [0.2, bad, 0.9])).toThrow(/yScore/);
      expect(() => calibrationTable([0, bad, 1], [0.2, 0.5, 0.9])).toThrow(/yTrue/);
      expect(() => calibrationTable([0, 1], [0.2, 0.9], bad)).toThrow(/bins/);
    });

    it('quantile probability (NaN only: ±Infinity clamp to the ends) and search keys', () => {
      if (Number.isNaN(bad)) {
        expect(() => quantileSorted([1, 2, 3], bad)).toThrow(/p must be/);
        expect(() => upperBound([1, 2, 3], bad)).toThrow(/x is NaN/);
        expect(() => lowerBound([1, 2, 3], bad)).toThrow(/x is NaN/);
      } else {
        expect(quantileSorted([1, 2, 3], bad)).toBe(bad > 0 ? 3 : 1);
        expect(upperBound([1, 2, 3], bad)).toBe(bad > 0 ? 3 : 0);
        expect(lowerBound([1, 2, 3], bad)).toBe(bad > 0 ? 3 : 0);
      }
    });

    it('ROC curve point cap', () => {
      expect(() => rocCurvePoints([0, 1], [0.2, 0.8], bad)).toThrow(/maxPoints/);
      expect(() => rocCurvePointsSorted([0.8], [0.2], bad)).toThrow(/maxPoints/);
    });

    it('PSI floor and Jensen–Shannon base', () => {
      expect(() => populationStabilityIndex([1, 2], [2, 1], { epsilon: bad })).toThrow(/epsilon/);
      expect(() => jensenShannonDistance([1, 2], [2, 1], bad)).toThrow(/base/);
    });

    it('random generators', () => {
      expect(() => mulberry32(bad)).toThrow(/seed/);
      expect(() => deriveSeed(bad, 1)).toThrow(/seed/);
      expect(() => deriveSeed(1, 2, bad)).toThrow(/labels\[1\]/);
      const random = mulberry32(1);
      expect(() => randomInt(random, bad)).toThrow(/\bn\b/);
      expect(() => randomNormal(random, bad)).toThrow(/mean/);
      expect(() => randomNormal(random, 0, bad)).toThrow(/sd/);
    });
  });
});
