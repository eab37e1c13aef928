/** What a drift check returns. Binned and summarised only: never raw rows. */
import { ColumnKind } from './columns';

export type DriftStatus = 'STABLE' | 'DRIFT' | 'INSUFFICIENT_DATA';

/** The statistic that decided a column's verdict (see verdict.ts). */
export type DriftMethod = 'ks' | 'chi_square' | 'psi';

export interface BinnedComparison {
  /** Numeric: bin edges (bins + 1). Discrete: the category values (one per bin). */
  edges: number[];
  /** Proportions per bin. */
  reference: number[];
  current: number[];
}

export interface EcdfComparison {
  x: number[];
  reference: number[];
  current: number[];
}

/**
 * How far statistics computed from binned data (window checks) can be from the same statistics on
 * the raw rows: |D_binned − D| ≤ ksErrorBound (and D_binned ≤ D), |W_binned − W| ≤
 * wassersteinErrorBound (column units). Everything else is exact. See binned-comparison.ts.
 */
export interface BinningErrorBounds {
  bins: number;
  ksErrorBound: number;
  wassersteinErrorBound: number;
}

export interface FeatureDriftResult {
  feature: string;
  kind: ColumnKind;
  method: DriftMethod;
  /** Value of `method`'s statistic (KS D, chi-square, or PSI); NaN-free: null when not evaluated. */
  statistic: number | null;
  /** Unadjusted p-value of the column's test (KS or chi-square). */
  pValue: number | null;
  /** Holm-adjusted p-value across the evaluated columns. */
  adjustedPValue: number | null;
  /** Threshold `statistic` (for 'psi') or `adjustedPValue` (for tests) was compared with. */
  threshold: number;
  psi: number | null;
  /** PSI minus its expected value under no drift, floored at 0 (what the PSI gate uses). */
  psiExcess: number | null;
  ks: { statistic: number; pValue: number } | null;
  chiSquare: { statistic: number; pValue: number; dof: number } | null;
  /** Raw W1 in the column's units (numeric only). */
  wasserstein: number | null;
  /** W1 divided by the baseline standard deviation (numeric only). */
  wassersteinNormalized: number | null;
  /** Jensen–Shannon distance, base 2 (discrete: over categories; numeric: over PSI bins). */
  jensenShannon: number | null;
  /**
   * Noise-corrected effect size used by the materiality gate: normalised Wasserstein (numeric) or
   * Jensen–Shannon distance (discrete), after removing what sampling noise alone produces.
   */
  effectSize: number | null;
  /** Threshold the effect size was compared with. */
  effectThreshold: number;
  /** Current rows used (finite values). */
  sampleSize: number;
  drifted: boolean;
  evaluated: boolean;
  /** Plain-language explanation of the verdict (always set when not evaluated). */
  reason?: string;
  histogram: BinnedComparison;
  ecdf?: EcdfComparison;
  /** Present when the statistics come from binned data (numeric columns of window checks). */
  binning?: BinningErrorBounds;
}

export interface DriftCheckResult {
  status: DriftStatus;
  /** Weighted share of drifted columns among evaluated ones (prediction counts double), 0–1. */
  globalScore: number;
  /** Drifted columns / evaluated columns, 0–1. */
  driftedShare: number;
  rowCount: number;
  /** Columns that could not be evaluated (missing, non-finite values, disabled, too few rows). */
  notEvaluated: string[];
  features: FeatureDriftResult[];
}
