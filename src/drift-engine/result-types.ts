/** What a drift check returns. Binned and summarised only: never raw rows. */
import { ColumnKind } from './columns';
import type { GradeDistributionResult } from './grade-distribution';
import type { ChiSquarePValueMethod } from './permutation-chi-square';
import type { ScoreShift } from './score-shift';

export type DriftStatus = 'STABLE' | 'DRIFT' | 'INSUFFICIENT_DATA';

/**
 * One column's outcome. DRIFT / STABLE: evaluated, with the verdict. INSUFFICIENT_DATA: the column
 * could not be tested with the rows at hand (fewer than minSampleSize, or no valid p-value) — never
 * an all-clear. NOT_EVALUATED: deliberately or necessarily left out (disabled by configuration,
 * missing from the batch, NaN/±Infinity values — a data-quality problem).
 */
export type ColumnDriftStatus = 'DRIFT' | 'STABLE' | 'INSUFFICIENT_DATA' | 'NOT_EVALUATED';

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
  chiSquare: {
    statistic: number;
    pValue: number;
    dof: number;
    /**
     * How pValue was computed (discrete-comparison.ts): 'asymptotic' chi-square distribution when
     * every expected count is ≥ 5, else a permutation p-value of the same statistic on the
     * unmerged table — 'exact' (two categories) or 'monte_carlo' (seeded by the table).
     */
    pValueMethod?: ChiSquarePValueMethod;
    /** Monte-Carlo permutation only: permuted tables drawn (at most 1,999; p ≥ 1/2,000). */
    draws?: number;
  } | null;
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
  /** The column's outcome; `drifted` and `evaluated` are its DRIFT and DRIFT/STABLE cases. */
  status: ColumnDriftStatus;
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
  /**
   * Which features moved the scores (score-shift.ts): set when the check was given the scoring
   * model's weights; null when a feature had no finite mean.
   */
  scoreShift?: ScoreShift | null;
  /**
   * The scores' rating-grade mix against the model's development sample (grade-distribution.ts):
   * set when the check was given the model's master scale, null when the model has none. It does
   * not change `status`: the prediction column already judges the score distribution; this is
   * the supervisory view of it, grade by grade.
   */
  gradeDistribution?: GradeDistributionResult | null;
  /**
   * Caveats about the verdict itself, empty when none — e.g. the batch is so much larger than the
   * baseline that the baseline's own sampling error can raise persistent false alarms
   * (docs/drift-methodology.md, "Baseline size").
   */
  warnings: string[];
}
