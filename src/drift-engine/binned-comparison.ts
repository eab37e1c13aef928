/**
 * Column comparisons on binned current data (a merged sketch, sketch.ts) against the baseline's
 * grid (grid.ts). What is exact and what is bounded (derivations in docs/drift-methodology.md):
 * - PSI, Jensen–Shannon, chi-square and every discrete-column statistic: exact (their bins are
 *   unions of grid bins, categories are counted exactly).
 * - KS: D is evaluated at the grid edges, so D_binned ≤ D ≤ D_binned + δ with δ the largest
 *   probability mass of one bin in either sample (within a bin both ECDFs are monotone, so the gap
 *   can grow by at most the larger of the two masses). D_binned is a value of the same lattice
 *   i/N − j/n, so the p-value is computed exactly as for raw data, and it can only be larger than
 *   the exact one: the binned test is conservative.
 * - Wasserstein: both ECDFs are taken as linear inside each bin (values spread evenly), the end
 *   bins spanning to the observed minimum and maximum; the error is at most Σ width × larger mass.
 */
import { quantileSorted } from '../stats/descriptive';
import { jensenShannonDistance } from '../stats/jensen-shannon';
import { ksAccuratePValue, ksAsymptoticPValue } from '../stats/ks';
import { populationStabilityIndex, psiNoiseExpectation } from '../stats/psi';
import { upperBound } from '../stats/sorting';
import { toProportions } from './binning';
import { ColumnComparison } from './comparison-types';
import { compareDiscreteCounts } from './discrete-comparison';
import { gridBin, NumericGrid, numericGrid } from './grid';
import { KS_MAX_EXACT_CELLS } from './numeric-comparison';
import { DiscreteColumnProfile, NumericColumnProfile } from './profile-types';
import { numericReference } from './reference-cache';
import { EcdfComparison } from './result-types';
import { DiscreteColumnSketch, NumericColumnSketch } from './sketch';
import { wassersteinNoiseModel, wassersteinShiftEstimate } from './wasserstein-gate';

const ECDF_POINTS_PER_SAMPLE = 25;

/** One sample on the grid: count per bin and, per bin, the count exactly at its upper edge. */
export interface BinnedSample {
  counts: ArrayLike<number>;
  atUpperEdge: ArrayLike<number>;
  /** False when the counts at the edges are unknown (a profile from before they were stored). */
  edgesKnown: boolean;
}

/**
 * KS statistic from binned samples and its error bound. The ECDF gap is evaluated at every edge
 * and, when both samples' edge counts are known, just below it (where only the bin's interior
 * mass has been added): values tied on a cut point then cost nothing. The bound is the largest
 * interior mass of one bin in either sample (all of a bin's mass when its edge count is unknown).
 */
export function binnedKs(reference: BinnedSample, current: BinnedSample): { statistic: number; bound: number } {
  const totalReference = sum(reference.counts);
  const totalCurrent = sum(current.counts);
  const belowEdges = reference.edgesKnown && current.edgesKnown;
  let cumulativeReference = 0;
  let cumulativeCurrent = 0;
  let statistic = 0;
  let bound = 0;
  for (let j = 0; j < reference.counts.length; j++) {
    const interiorReference = reference.counts[j] - (reference.edgesKnown ? reference.atUpperEdge[j] : 0);
    const interiorCurrent = current.counts[j] - (current.edgesKnown ? current.atUpperEdge[j] : 0);
    if (belowEdges) {
      const below = Math.abs(
        (cumulativeReference + interiorReference) / totalReference - (cumulativeCurrent + interiorCurrent) / totalCurrent,
      );
      if (below > statistic) statistic = below;
    }
    cumulativeReference += reference.counts[j];
    cumulativeCurrent += current.counts[j];
    const gap = Math.abs(cumulativeReference / totalReference - cumulativeCurrent / totalCurrent);
    if (gap > statistic) statistic = gap;
    const mass = Math.max(interiorReference / totalReference, interiorCurrent / totalCurrent);
    if (mass > bound) bound = mass;
  }
  return { statistic, bound };
}

/** Bin boundaries: interior edges, the end bins closed at the smallest and largest observed value. */
function binBounds(edges: ArrayLike<number>, lowest: number, highest: number, bin: number): [number, number] {
  const lo = bin === 0 ? Math.min(lowest, edges[0]) : edges[bin - 1];
  const hi = bin === edges.length ? Math.max(highest, edges[edges.length - 1]) : edges[bin];
  return [lo, hi];
}

/** ∫ |d(x)| over a bin where d is linear from d0 to d1 across `width`. */
function absLinearIntegral(d0: number, d1: number, width: number): number {
  if ((d0 >= 0 && d1 >= 0) || (d0 <= 0 && d1 <= 0)) return (width * (Math.abs(d0) + Math.abs(d1))) / 2;
  return (width * (d0 * d0 + d1 * d1)) / (2 * (Math.abs(d0) + Math.abs(d1)));
}

/**
 * W1 with each ECDF linear across a bin's interior and its edge count as a point mass on the
 * edge, and its error bound Σ width × larger interior mass.
 */
export function binnedWasserstein(
  edges: ArrayLike<number>,
  reference: BinnedSample,
  current: BinnedSample,
  lowest: number,
  highest: number,
): { distance: number; bound: number } {
  const totalReference = sum(reference.counts);
  const totalCurrent = sum(current.counts);
  let fr = 0;
  let fc = 0;
  let distance = 0;
  let bound = 0;
  for (let j = 0; j < reference.counts.length; j++) {
    const [lo, hi] = binBounds(edges, lowest, highest, j);
    const width = Math.max(0, hi - lo);
    const edgeReference = reference.edgesKnown ? reference.atUpperEdge[j] / totalReference : 0;
    const edgeCurrent = current.edgesKnown ? current.atUpperEdge[j] / totalCurrent : 0;
    const interiorReference = reference.counts[j] / totalReference - edgeReference;
    const interiorCurrent = current.counts[j] / totalCurrent - edgeCurrent;
    distance += absLinearIntegral(fr - fc, fr + interiorReference - (fc + interiorCurrent), width);
    bound += width * Math.max(interiorReference, interiorCurrent);
    fr += interiorReference + edgeReference;
    fc += interiorCurrent + edgeCurrent;
  }
  return { distance, bound };
}

/** ECDF of binned data at x, linear inside the bin that holds x. */
function binnedEcdfAt(
  grid: NumericGrid,
  sample: NumericColumnSketch,
  cumulative: Float64Array,
  lowest: number,
  highest: number,
  x: number,
): number {
  const bin = gridBin(grid.edges, x);
  const [lo, hi] = binBounds(grid.edges, lowest, highest, bin);
  const before = bin === 0 ? 0 : cumulative[bin - 1];
  if (x >= hi) return (before + sample.counts[bin]) / sample.count;
  const interior = sample.counts[bin] - sample.atUpperEdge[bin];
  const inside = hi > lo ? Math.min(1, Math.max(0, (x - lo) / (hi - lo))) : 0;
  return (before + inside * interior) / sample.count;
}

/** Quantile of binned data (linear across a bin's interior, its edge count on the edge). */
function binnedQuantile(grid: NumericGrid, sample: NumericColumnSketch, lowest: number, highest: number, p: number): number {
  const target = p * sample.count;
  let cumulative = 0;
  for (let j = 0; j < sample.counts.length; j++) {
    const count = sample.counts[j];
    if (count > 0 && cumulative + count >= target) {
      const [lo, hi] = binBounds(grid.edges, lowest, highest, j);
      const interior = count - sample.atUpperEdge[j];
      return interior > 0 && target - cumulative < interior ? lo + ((target - cumulative) / interior) * (hi - lo) : hi;
    }
    cumulative += count;
  }
  return highest;
}

function sum(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  return total;
}

function cumulativeOf(counts: ArrayLike<number>): Float64Array {
  const out = new Float64Array(counts.length);
  let running = 0;
  for (let i = 0; i < counts.length; i++) out[i] = running += counts[i];
  return out;
}

export function compareNumericBinned(profile: NumericColumnProfile, sketch: NumericColumnSketch): ColumnComparison {
  const grid = numericGrid(profile);
  if (sketch.counts.length !== grid.referenceCounts.length) {
    throw new RangeError(`sketch has ${sketch.counts.length} bins, the baseline grid ${grid.referenceCounts.length}`);
  }
  const { sorted: referenceSample } = numericReference(profile);
  const n = sketch.count;
  const nReference = profile.count;
  const lowest = Math.min(profile.min, sketch.min);
  const highest = Math.max(profile.max, sketch.max);

  const reference: BinnedSample = {
    counts: grid.referenceCounts,
    atUpperEdge: grid.referenceAtUpperEdge,
    edgesKnown: profile.grid?.atUpperEdge !== undefined,
  };
  const current: BinnedSample = { counts: sketch.counts, atUpperEdge: sketch.atUpperEdge, edgesKnown: true };
  const ks = binnedKs(reference, current);
  // The raw path's p-value rule (numeric-comparison.ts), applied to D_binned.
  const pValue = profile.sampleIsComplete
    ? ksAccuratePValue(nReference, n, ks.statistic, KS_MAX_EXACT_CELLS).pValue
    : ksAsymptoticPValue(nReference, n, ks.statistic);

  const scale = profile.sd > 0 ? profile.sd : 1;
  const w = binnedWasserstein(grid.edges, reference, current, lowest, highest);
  // The same noise model as for raw rows (numeric-comparison.ts), applied to the binned W1.
  const effectSize = wassersteinShiftEstimate(wassersteinNoiseModel(profile), w.distance, nReference, n);

  // PSI bins are unions of grid bins: exact counts.
  const psiCounts = new Array<number>(profile.psiBins.edges.length + 1).fill(0);
  for (let j = 0; j < sketch.counts.length; j++) psiCounts[grid.psiBinOf[j]] += sketch.counts[j];
  const psi = populationStabilityIndex(profile.psiBins.counts, psiCounts);
  const psiExcess = Math.max(0, psi - psiNoiseExpectation(psiCounts.length, nReference, n));

  const histogramCounts = new Array<number>(Math.max(1, profile.histogram.edges.length - 1)).fill(0);
  for (let j = 0; j < sketch.counts.length; j++) histogramCounts[grid.histogramBinOf[j]] += sketch.counts[j];

  return {
    test: 'ks',
    sampleSize: n,
    evaluated: !Number.isNaN(pValue),
    reason: Number.isNaN(pValue) ? 'KS p-value could not be computed' : undefined,
    testStatistic: ks.statistic,
    pValue,
    ks: { statistic: ks.statistic, pValue },
    chiSquare: null,
    psi,
    psiExcess,
    wasserstein: w.distance,
    wassersteinNormalized: w.distance / scale,
    jensenShannon: jensenShannonDistance(profile.psiBins.counts, psiCounts),
    effectSize,
    histogram: {
      edges: profile.histogram.edges,
      reference: toProportions(profile.histogram.counts),
      current: toProportions(histogramCounts),
    },
    ecdf: binnedEcdfView(grid, referenceSample, sketch, lowest, highest),
    binning: { bins: sketch.counts.length, ksErrorBound: ks.bound, wassersteinErrorBound: w.bound },
  };
}

function binnedEcdfView(
  grid: NumericGrid,
  reference: Float64Array,
  sketch: NumericColumnSketch,
  lowest: number,
  highest: number,
): EcdfComparison {
  const cumulative = cumulativeOf(sketch.counts);
  const points = new Set<number>();
  for (let i = 0; i < ECDF_POINTS_PER_SAMPLE; i++) {
    const p = (i + 0.5) / ECDF_POINTS_PER_SAMPLE;
    points.add(quantileSorted(reference, p));
    points.add(binnedQuantile(grid, sketch, lowest, highest, p));
  }
  const x = Array.from(points).sort((a, b) => a - b);
  return {
    x,
    reference: x.map((v) => upperBound(reference, v) / reference.length),
    current: x.map((v) => binnedEcdfAt(grid, sketch, cumulative, lowest, highest, v)),
  };
}

/** Discrete columns: category counts are exact, so this is the raw-data comparison. */
export function compareDiscreteBinned(profile: DiscreteColumnProfile, sketch: DiscreteColumnSketch): ColumnComparison {
  const categories = Array.from(sketch.categories.keys()).sort((a, b) => a - b);
  return compareDiscreteCounts(profile, { categories, counts: categories.map((c) => sketch.categories.get(c) as number) });
}
