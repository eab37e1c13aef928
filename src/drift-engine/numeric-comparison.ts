/**
 * Compares a numeric column with its baseline: two-sample KS for significance, Wasserstein and
 * PSI for materiality, plus the binned and ECDF views for reports. Works on the sorted current
 * column, so every statistic is a linear merge with the sorted baseline sample.
 */
import { quantileSorted } from '../stats/descriptive';
import { jensenShannonDistance } from '../stats/jensen-shannon';
import { KS_DEFAULT_MAX_EXACT_CELLS, ksTwoSampleSorted } from '../stats/ks';
import { populationStabilityIndex, psiNoiseExpectation } from '../stats/psi';
import { upperBound } from '../stats/sorting';
import { wassersteinSorted } from '../stats/wasserstein';
import { countIntoHistogram, countSortedIntoEdges, toProportions } from './binning';
import { ColumnComparison } from './comparison-types';
import { NumericColumnProfile } from './profile-types';
import { numericReference } from './reference-cache';
import { EcdfComparison } from './result-types';
import { wassersteinNoiseModel, wassersteinShiftEstimate } from './wasserstein-gate';

/** Points per sample in the ECDF view (~50 in total after merging both grids). */
const ECDF_POINTS_PER_SAMPLE = 25;

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
 * Exact KS p-values whenever the lattice count visits at most this many cells (about
 * D·n_baseline·n_current, ~9 ms): at the largest in-ingestion sizes (a 20,000-value baseline
 * against a 50,000-row batch) that is every p ≥ 0.002, and every p at all when
 * n_baseline·n_current is below it. Beyond, the corrected asymptotic p-value (within 0.5% of the
 * exact one at p ≥ 0.001; docs/drift-methodology.md, "Exactness of the statistics").
 */
export const KS_MAX_EXACT_CELLS = KS_DEFAULT_MAX_EXACT_CELLS;

/** `sortedCurrent` must be ascending and finite. */
export function compareNumeric(profile: NumericColumnProfile, sortedCurrent: Float64Array): ColumnComparison {
  const { sorted: reference } = numericReference(profile);
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
  // The gate's effect: the location shift (baseline SDs) whose median W1 at these sizes is the
  // observed one (wasserstein-gate.ts), so a gate means the same true shift at every n.
  const effectSize = wassersteinShiftEstimate(wassersteinNoiseModel(profile), wasserstein, nReference, n);

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
