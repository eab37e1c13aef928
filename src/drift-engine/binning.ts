/**
 * Binning shared by the profile builder and the check. Bins are derived from the baseline once
 * and current data is counted into the same bins, so every comparison is like for like.
 */
import { upperBound } from '../stats/sorting';
import { HistogramBins, PsiBins } from './profile-types';

/** Number of equal-width bins in report histograms. */
export const HISTOGRAM_BINS = 20;

/** Deciles: the usual PSI binning in credit risk. */
export const PSI_PROBABILITIES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/**
 * PSI cut points at the baseline deciles. Cut points are actual data values (inverse-ECDF
 * quantiles), deduplicated, and never the maximum: with right-closed bins (a, b] every bin then
 * holds at least one baseline value, so no reference proportion is ever 0 and the epsilon floor
 * only matters on the current side. Heavily tied columns simply get fewer bins.
 */
export function psiEdgesFromSorted(sorted: ArrayLike<number>): number[] {
  const n = sorted.length;
  if (n === 0) return [];
  const max = sorted[n - 1];
  const edges: number[] = [];
  for (const p of PSI_PROBABILITIES) {
    const value = sorted[Math.max(0, Math.ceil(p * n) - 1)];
    if (value < max && (edges.length === 0 || value > edges[edges.length - 1])) edges.push(value);
  }
  return edges;
}

/** Counts ascending-sorted values into (−∞, e0], (e0, e1], …, (e_last, ∞); O(k log n). */
export function countSortedIntoEdges(sorted: ArrayLike<number>, edges: ReadonlyArray<number>): number[] {
  const counts: number[] = [];
  let previous = 0;
  for (const edge of edges) {
    const position = upperBound(sorted, edge, previous);
    counts.push(position - previous);
    previous = position;
  }
  counts.push(sorted.length - previous);
  return counts;
}

/** Equal-width edges over [min, max] (a single degenerate bin when min = max). */
export function histogramEdges(min: number, max: number, bins = HISTOGRAM_BINS): number[] {
  if (!(max > min)) return [min, max];
  const width = (max - min) / bins;
  const edges: number[] = [];
  for (let i = 0; i < bins; i++) edges.push(min + i * width);
  edges.push(max);
  return edges;
}

/**
 * Counts values into equal-width bins; values outside the edges go to the end bins (the end bins
 * are open, so current data beyond the baseline range is still visible in the report).
 */
export function countIntoHistogram(values: ArrayLike<number>, edges: ReadonlyArray<number>): number[] {
  const bins = Math.max(1, edges.length - 1);
  const counts = new Array<number>(bins).fill(0);
  const min = edges[0];
  const width = bins > 0 && edges.length > 1 ? (edges[edges.length - 1] - min) / bins : 0;
  for (let i = 0; i < values.length; i++) {
    let index = width > 0 ? Math.floor((values[i] - min) / width) : 0;
    if (index < 0) index = 0;
    else if (index >= bins) index = bins - 1;
    counts[index]++;
  }
  return counts;
}

/** Histogram with edges and counts from ascending-sorted values. */
export function histogramFromSorted(sorted: ArrayLike<number>): HistogramBins {
  const n = sorted.length;
  const edges = histogramEdges(sorted[0], sorted[n - 1]);
  return { edges, counts: countIntoHistogram(sorted, edges) };
}

/** PSI bins with counts from ascending-sorted values. */
export function psiBinsFromSorted(sorted: ArrayLike<number>): PsiBins {
  const edges = psiEdgesFromSorted(sorted);
  return { edges, counts: countSortedIntoEdges(sorted, edges) };
}

/** Category counts of a discrete column, categories ascending. */
export function countCategories(values: ArrayLike<number>): { categories: number[]; counts: number[] } {
  const map = new Map<number, number>();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    map.set(v, (map.get(v) ?? 0) + 1);
  }
  const categories = Array.from(map.keys()).sort((a, b) => a - b);
  return { categories, counts: categories.map((c) => map.get(c) as number) };
}

/** Turns counts into proportions (all zeros stay zeros). */
export function toProportions(counts: ReadonlyArray<number>): number[] {
  let total = 0;
  for (const c of counts) total += c;
  return counts.map((c) => (total > 0 ? c / total : 0));
}
