/**
 * The baseline profile: everything a drift check needs to know about the reference data, in a
 * JSON-serialisable shape (stored as JSONB next to the baseline version). No raw rows beyond the
 * sorted sample that the exact two-sample tests require.
 */
import { ColumnKind } from './columns';
import type { MultivariateModel } from './multivariate';

export const BASELINE_PROFILE_VERSION = 1;

/** Numeric columns keep at most this many sorted values (see profile.ts for the KS consequences). */
export const PROFILE_SAMPLE_LIMIT = 20000;

/** Probabilities of the quantiles reported for every column. */
export const PROFILE_QUANTILE_PROBABILITIES: ReadonlyArray<number> = [0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99];

export interface QuantilePoint {
  p: number;
  value: number;
}

/** Bins for PSI: `edges` are interior cut points, bin i is (edges[i−1], edges[i]] with open ends. */
export interface PsiBins {
  edges: number[];
  counts: number[];
}

/**
 * Equal-width histogram for reports: `edges` has bins + 1 entries from min to max. Values outside
 * the range are counted in the first or last bin, so the two end bins are open.
 */
export interface HistogramBins {
  edges: number[];
  counts: number[];
}

interface ColumnProfileBase {
  kind: ColumnKind;
  /** Finite rows used for the profile. */
  count: number;
  /** NaN / ±Infinity rows in the baseline, excluded from everything else. */
  nonFiniteCount: number;
  mean: number;
  sd: number;
  min: number;
  max: number;
  quantiles: QuantilePoint[];
}

export interface NumericColumnProfile extends ColumnProfileBase {
  kind: 'numeric';
  /**
   * Ascending values: every finite baseline value when count ≤ PROFILE_SAMPLE_LIMIT
   * (`sampleIsComplete`), otherwise the evenly spaced quantile sample
   * sorted[floor((i + 0.5)·count / limit)], i = 0..limit−1.
   */
  sample: number[];
  sampleIsComplete: boolean;
  psiBins: PsiBins;
  histogram: HistogramBins;
  /**
   * The fine grid window checks bin current data on (grid.ts): interior edges ascending, bin i is
   * (edges[i−1], edges[i]] with open ends, and the full baseline's count per bin. Profiles written
   * before the grid existed lack it; grid.ts then derives it from the sample.
   */
  grid?: GridBins;
}

/** PSI-like bins plus, per bin, how many of its values equal its upper edge exactly (ties). */
export interface GridBins extends PsiBins {
  /** Absent in profiles written before it existed: then every bin's mass counts as interior. */
  atUpperEdge?: number[];
}

export interface DiscreteColumnProfile extends ColumnProfileBase {
  kind: 'discrete';
  /** Observed values ascending, with their counts. */
  categories: number[];
  counts: number[];
}

export type ColumnProfile = NumericColumnProfile | DiscreteColumnProfile;

export interface BaselineProfile {
  version: typeof BASELINE_PROFILE_VERSION;
  /** Rows in the baseline (the largest column length). */
  rowCount: number;
  sampleLimit: number;
  /** Column name → profile, in the order the columns were given. */
  columns: Record<string, ColumnProfile>;
  /**
   * The joint-distribution model (multivariate.ts) whose held-out reconstruction errors are the
   * `multivariate` column's profile. Absent in profiles written before it existed and for
   * baselines with too few complete rows: then there is no multivariate column.
   */
  multivariate?: MultivariateModel;
}
