/** Per-column comparison before the family-wide verdict (multiple testing, gates) is applied. */
import { BinnedComparison, BinningErrorBounds, EcdfComparison } from './result-types';

export interface ColumnComparison {
  test: 'ks' | 'chi_square';
  sampleSize: number;
  /** False when no valid p-value exists (then `reason` says why). */
  evaluated: boolean;
  reason?: string;
  testStatistic: number | null;
  pValue: number | null;
  ks: { statistic: number; pValue: number } | null;
  chiSquare: { statistic: number; pValue: number; dof: number } | null;
  psi: number | null;
  psiExcess: number | null;
  wasserstein: number | null;
  wassersteinNormalized: number | null;
  jensenShannon: number | null;
  /** Noise-corrected effect size for the materiality gate (W/sd for numeric, JS for discrete). */
  effectSize: number | null;
  histogram: BinnedComparison;
  ecdf?: EcdfComparison;
  /** Set when computed from binned data (window checks): the error bounds of the statistics. */
  binning?: BinningErrorBounds;
}
