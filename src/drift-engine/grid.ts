/**
 * The fine grid a numeric column is binned on for window checks (and for the per-batch profiles
 * they merge). Fixed by the baseline: cut points at every 1/GRID_QUANTILE_BINS of the baseline's
 * distribution, plus the PSI decile edges and the report histogram's edges, so that
 * - PSI and Jensen–Shannon over the PSI bins are exact on binned data (their edges are grid edges),
 * - every grid bin holds at most about 1/GRID_QUANTILE_BINS of the baseline, which bounds the KS
 *   and Wasserstein errors of the binned computation (docs/drift-methodology.md, "Windows at any
 *   volume").
 * Bins are right-closed, (edges[i−1], edges[i]], with open ends, like the PSI bins; equal-width
 * overflow bins extend the grid one baseline range beyond each end.
 */
import { lowerBound, upperBound } from '../stats/sorting';
import { countSortedIntoEdges } from './binning';
import { GridBins, NumericColumnProfile } from './profile-types';

/** Baseline quantile cut points per numeric column (before adding PSI and histogram edges). */
export const GRID_QUANTILE_BINS = 1000;

export interface NumericGrid {
  /** Interior edges, ascending; bins = edges.length + 1. */
  edges: Float64Array;
  /** Baseline count per bin. */
  referenceCounts: Float64Array;
  /** Baseline values equal to each bin's upper edge (zeros when unknown: the conservative side). */
  referenceAtUpperEdge: Float64Array;
  /** For each grid bin, the PSI bin it falls in (PSI bins are unions of grid bins). */
  psiBinOf: Int32Array;
  /** For each grid bin, the report-histogram bin it falls in. */
  histogramBinOf: Int32Array;
}

/**
 * Equal-width bins past each end of the baseline's range (this many on each side, each 1/this
 * of the range wide): current data that moves out of the baseline's range — the usual shape of a
 * real shift — is still binned finely instead of piling into one open end bin.
 */
export const GRID_OVERFLOW_BINS = 50;

/**
 * Grid edges from ascending-sorted baseline values: quantile cut points sorted[ceil(k·n/bins) − 1]
 * for k = 1..bins − 1 (actual data values, deduplicated: heavy ties give fewer bins), the minimum
 * and the maximum (so values tied there sit on an edge), GRID_OVERFLOW_BINS equal-width steps
 * beyond each end, and the extra edges (PSI, report histogram).
 */
export function gridEdgesFromSorted(sorted: ArrayLike<number>, extraEdges: ReadonlyArray<number>, bins = GRID_QUANTILE_BINS): number[] {
  const n = sorted.length;
  const set = new Set<number>();
  if (n > 0) {
    const min = sorted[0];
    const max = sorted[n - 1];
    set.add(min);
    set.add(max);
    // k·n before dividing: (k / bins)·n rounds up past an integer (0.035 × 5000 = 175.00000000000003).
    for (let k = 1; k < bins; k++) set.add(sorted[Math.max(0, Math.ceil((k * n) / bins) - 1)]);
    const step = (max - min) / GRID_OVERFLOW_BINS;
    if (step > 0 && Number.isFinite(step)) {
      for (let k = 1; k <= GRID_OVERFLOW_BINS; k++) {
        set.add(min - k * step);
        set.add(max + k * step);
      }
    }
  }
  for (const edge of extraEdges) if (Number.isFinite(edge)) set.add(edge);
  return Array.from(set).sort((a, b) => a - b);
}

/** The edges every grid must contain besides its quantile cut points. */
export function requiredGridEdges(profile: Pick<NumericColumnProfile, 'psiBins' | 'histogram'>): number[] {
  const histogramInterior = profile.histogram.edges.slice(1, -1);
  return [...profile.psiBins.edges, ...histogramInterior];
}

/** Grid with baseline counts from ascending-sorted baseline values (the profile builder's path). */
export function gridFromSorted(sorted: ArrayLike<number>, profile: Pick<NumericColumnProfile, 'psiBins' | 'histogram'>): GridBins {
  const edges = gridEdgesFromSorted(sorted, requiredGridEdges(profile));
  const atUpperEdge = edges.map((edge) => upperBound(sorted, edge) - lowerBound(sorted, edge));
  atUpperEdge.push(0);
  return { edges, counts: countSortedIntoEdges(sorted, edges), atUpperEdge };
}

/** Bin of x on right-closed bins: the number of edges strictly below x. */
export function gridBin(edges: ArrayLike<number>, x: number): number {
  return lowerBound(edges, x);
}

const cache = new WeakMap<NumericColumnProfile, NumericGrid>();

/**
 * The grid of a profile, built once per profile object. A profile without a stored grid (written
 * before grids existed) gets one from its sorted sample, with counts scaled to the baseline size
 * when the sample is a sketch — approximate only for such old profiles with more than 20,000 rows.
 */
export function numericGrid(profile: NumericColumnProfile): NumericGrid {
  const cached = cache.get(profile);
  if (cached) return cached;
  let stored = profile.grid;
  if (!stored) {
    stored = gridFromSorted(profile.sample, profile);
    if (!profile.sampleIsComplete) {
      // A sketch sample says nothing exact about ties at the edges.
      const scale = profile.count / profile.sample.length;
      stored = { edges: stored.edges, counts: stored.counts.map((c) => c * scale) };
    }
  }
  const edges = Float64Array.from(stored.edges);
  const layout = gridLayout(edges, profile);
  const grid: NumericGrid = {
    edges,
    referenceCounts: Float64Array.from(stored.counts),
    referenceAtUpperEdge: stored.atUpperEdge ? Float64Array.from(stored.atUpperEdge) : new Float64Array(stored.counts.length),
    ...layout,
  };
  cache.set(profile, grid);
  return grid;
}

/**
 * Which PSI bin and which report-histogram bin each grid bin falls in. Every PSI edge must be a
 * grid edge (then a PSI bin is exactly a union of grid bins); histogram bins are half-open the
 * other way ([a, b)), so a value lying exactly on a histogram edge may land one bin off.
 */
export function gridLayout(
  edges: ArrayLike<number>,
  profile: Pick<NumericColumnProfile, 'psiBins' | 'histogram'>,
): { psiBinOf: Int32Array; histogramBinOf: Int32Array } {
  const bins = edges.length + 1;
  const psiBinOf = new Int32Array(bins);
  let psiBin = 0;
  const psiEdges = profile.psiBins.edges;
  for (const edge of psiEdges) {
    const index = lowerBound(edges, edge);
    if (edges[index] !== edge) throw new RangeError(`grid of the baseline lacks PSI edge ${edge}`);
  }
  for (let j = 0; j < bins; j++) {
    // Grid bin j = (edges[j−1], edges[j]]: past a PSI edge once its lower end reaches it.
    while (psiBin < psiEdges.length && j > 0 && edges[j - 1] >= psiEdges[psiBin]) psiBin++;
    psiBinOf[j] = psiBin;
  }
  const histogramEdges = profile.histogram.edges;
  const histogramBins = Math.max(1, histogramEdges.length - 1);
  const histogramBinOf = new Int32Array(bins);
  for (let j = 0; j < bins; j++) {
    // Placed by the bin's lower end (the upper end for the first bin).
    const x = j === 0 ? edges[0] : edges[j - 1];
    let k = histogramBins > 1 ? lowerBound(histogramEdges, x, 1, histogramEdges.length - 1) - 1 : 0;
    if (j > 0 && histogramBins > 1 && histogramEdges[k + 1] === x) k++;
    histogramBinOf[j] = Math.min(histogramBins - 1, Math.max(0, k));
  }
  return { psiBinOf, histogramBinOf };
}
