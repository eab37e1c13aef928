/**
 * The columns the drift engine monitors: the eight model features plus the model's output.
 * Monitoring the prediction catches shifts that are small in every single feature but add up
 * in the score (the thing the business actually consumes).
 */
import { DISCRETE_FEATURES, FEATURE_NAMES, FeatureName } from '../model/features';

export const PREDICTION_COLUMN = 'prediction';

export type DriftColumnName = FeatureName | typeof PREDICTION_COLUMN;

export const DRIFT_COLUMNS: ReadonlyArray<DriftColumnName> = [...FEATURE_NAMES, PREDICTION_COLUMN];

/**
 * How a column is compared. Discrete columns are small counts with heavy ties: they are compared
 * as categories (chi-square, categorical PSI, Jensen–Shannon); KS assumes continuous data and is
 * needlessly conservative on a handful of tied values.
 */
export type ColumnKind = 'numeric' | 'discrete';

/** Kinds for the standard column set: DISCRETE_FEATURES are discrete, everything else numeric. */
export function defaultColumnKinds(): Record<DriftColumnName, ColumnKind> {
  const kinds = {} as Record<DriftColumnName, ColumnKind>;
  for (const name of FEATURE_NAMES) kinds[name] = DISCRETE_FEATURES.has(name) ? 'discrete' : 'numeric';
  kinds[PREDICTION_COLUMN] = 'numeric';
  return kinds;
}
