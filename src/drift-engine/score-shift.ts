/**
 * Which features moved the scores: the change in the mean log-odds of the model's scores between
 * the baseline and the current data, split into one exact contribution per feature.
 *
 * For a logistic model logit(x) = b + Σ_j β_j·(x_j − m_j)/s_j is linear, so the mean logit moves
 * by exactly Σ_j (β_j/s_j)·(mean_j(current) − mean_j(baseline)): feature j's contribution is its
 * coefficient times the change in its mean standardised value, and the contributions sum to the
 * total with nothing left over (no interaction terms, no sampling, unlike SHAP-style estimates
 * for non-linear models). `share` is |contribution| / Σ|contributions|: how much of the movement
 * each feature accounts for, whichever way it pushed (the sign is the contribution's); features
 * are listed largest first. Means are over finite values (a column's non-finite values are
 * reported by its own drift row); a feature absent from either side gives no decomposition.
 */
import { FEATURE_NAMES } from '../model/features';
import { ColumnSketch } from './sketch';

export interface ScoreShiftContribution {
  feature: string;
  /** Change in the mean log-odds this feature's mean change causes. */
  contribution: number;
  /** |contribution| / Σ|contributions| (0 when nothing moved). */
  share: number;
  baselineMean: number;
  currentMean: number;
}

export interface ScoreShift {
  /** Mean log-odds of the current data minus that of the baseline, under the scoring model. */
  total: number;
  contributions: ScoreShiftContribution[];
}

/** Log-odds change per unit of each feature (model/linear-model.ts logOddsWeights). */
export type LogOddsWeights = Readonly<Record<string, number>>;

/** Mean of the finite values, NaN when there are none. */
export function finiteMean(values: ArrayLike<number>): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v === 0) {
      sum += v;
      count++;
    }
  }
  return count > 0 ? sum / count : NaN;
}

export function sketchMean(column: ColumnSketch | undefined): number {
  return column && column.count > 0 ? column.sum / column.count : NaN;
}

/**
 * The decomposition, or null when a weighted feature lacks a finite mean on either side (then
 * there is nothing exact to say).
 */
export function scoreShift(
  weights: LogOddsWeights,
  baselineMeans: Readonly<Record<string, number | undefined>>,
  currentMeans: Readonly<Record<string, number | undefined>>,
): ScoreShift | null {
  const features = FEATURE_NAMES.filter((name) => weights[name] !== undefined);
  const parts: ScoreShiftContribution[] = [];
  for (const feature of features) {
    const baselineMean = baselineMeans[feature];
    const currentMean = currentMeans[feature];
    if (baselineMean === undefined || currentMean === undefined || !Number.isFinite(baselineMean) || !Number.isFinite(currentMean)) {
      return null;
    }
    parts.push({ feature, contribution: weights[feature] * (currentMean - baselineMean), share: 0, baselineMean, currentMean });
  }
  if (parts.length === 0) return null;
  let total = 0;
  let magnitude = 0;
  for (const part of parts) {
    total += part.contribution;
    magnitude += Math.abs(part.contribution);
  }
  for (const part of parts) part.share = magnitude > 0 ? Math.abs(part.contribution) / magnitude : 0;
  parts.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || a.feature.localeCompare(b.feature));
  return { total, contributions: parts };
}
