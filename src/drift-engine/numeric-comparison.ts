/**
 * Compares a numeric column with its baseline: two-sample KS for significance, Wasserstein and
 * PSI for materiality, plus the binned and ECDF views for reports. Works on the sorted current
 * column, so every statistic is a linear merge with the sorted baseline sample.
 */
import { quantileSorted } from '../stats/descriptive';
import { jensenShannonDistance } from '../stats/jensen-shannon';
import { ksTwoSampleSorted } from '../stats/ks';
import { populationStabilityIndex, psiNoiseExpectation } from '../stats/psi';
import { upperBound } from '../stats/sorting';
import { wassersteinSorted } from '../stats/wasserstein';
import { countIntoHistogram, countSortedIntoEdges, toProportions } from './binning';
import { ColumnComparison } from './comparison-types';
import { NumericColumnProfile } from './profile-types';
import { numericReference } from './reference-cache';
import { EcdfComparison } from './result-types';

/** Points per sample in the ECDF view (~50 in total after merging both grids). */
const ECDF_POINTS_PER_SAMPLE = 25;
const SQRT_TWO_OVER_PI = Math.sqrt(2 / Math.PI);

function ecdfView(reference: Float64Array, current: Float64Array): EcdfComparison {
  const grid = new Set<number>();
  for (let i = 0; i < ECDF_POINTS_PER_SAMPLE; i++) {
    const p = (i + 0.5) / ECDF_POINTS_PER_SAMPLE;
    grid.add(quantileSorted(reference, p));
    grid.add(quantileSorted(current, p));
  }
  const x = Array.from(grid).sort((a, b) => a - b);
  return {
    x,
    reference: x.map((v) => upperBound(reference, v) / reference.length),
    current: x.map((v) => upperBound(current, v) / current.length),
  };
}

/**
 * Exact KS p-values up to 2,000,000 lattice cells (e.g. 1,000 × 2,000 rows); beyond that the
 * asymptotic distribution, which agrees to < 0.001 there and keeps the in-ingestion check cheap.
 */
export const KS_MAX_EXACT_CELLS = 2_000_000;

/** `sortedCurrent` must be ascending and finite. */
export function compareNumeric(profile: NumericColumnProfile, sortedCurrent: Float64Array): ColumnComparison {
  const { sorted: reference, ecdfSpread } = numericReference(profile);
  const n = sortedCurrent.length;
  const nReference = profile.count;

  const ks = profile.sampleIsComplete
    ? ksTwoSampleSorted(reference, sortedCurrent, { maxExactCells: KS_MAX_EXACT_CELLS })
    : ksTwoSampleSorted(reference, sortedCurrent, {
        effectiveSizeA: nReference,
        statisticTolerance: 1 / reference.length,
      });

  // Wasserstein in baseline standard deviations. A constant baseline has sd 0: fall back to the
  // raw distance so any move away from the constant still registers.
  const scale = profile.sd > 0 ? profile.sd : 1;
  const wasserstein = wassersteinSorted(reference, sortedCurrent);
  const wassersteinNoise = SQRT_TWO_OVER_PI * ecdfSpread * Math.sqrt(1 / nReference + 1 / n);
  const effectSize = Math.max(0, wasserstein - wassersteinNoise) / scale;

  const currentBins = countSortedIntoEdges(sortedCurrent, profile.psiBins.edges);
  const psi = populationStabilityIndex(profile.psiBins.counts, currentBins);
  const psiExcess = Math.max(0, psi - psiNoiseExpectation(currentBins.length, nReference, n));

  return {
    test: 'ks',
    sampleSize: n,
    evaluated: !Number.isNaN(ks.pValue),
    reason: Number.isNaN(ks.pValue) ? 'KS p-value could not be computed' : undefined,
    testStatistic: ks.statistic,
    pValue: ks.pValue,
    ks: { statistic: ks.statistic, pValue: ks.pValue },
    chiSquare: null,
    psi,
    psiExcess,
    wasserstein,
    wassersteinNormalized: wasserstein / scale,
    jensenShannon: jensenShannonDistance(profile.psiBins.counts, currentBins),
    effectSize,
    histogram: {
      edges: profile.histogram.edges,
      reference: toProportions(profile.histogram.counts),
      current: toProportions(countIntoHistogram(sortedCurrent, profile.histogram.edges)),
    },
    ecdf: ecdfView(reference, sortedCurrent),
  };
}
