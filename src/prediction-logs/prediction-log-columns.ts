import { MULTIVARIATE_COLUMN } from '../drift-engine/multivariate';
import { BaselineProfile } from '../drift-engine/profile-types';
import { SketchColumnSpec } from '../drift-engine/sketch';
import { FEATURE_CSV_COLUMNS, FEATURE_NAMES, FeatureColumns, FeatureName } from '../model/features';
import type { PushDownColumn } from './prediction-logs.repository';

/**
 * prediction_logs keeps each feature in its own column, named exactly as in the CSV files
 * (snake_case). Modules that read logged applications back (baselines, window checks, retraining)
 * share this select list and row conversion instead of each keeping its own name map.
 */
export const PREDICTION_LOG_FEATURE_SELECT = FEATURE_NAMES.map((name) => FEATURE_CSV_COLUMNS[name]).join(', ');

/**
 * Every prediction_logs column a logged row is written with, in the writer's COPY order: the one
 * list the COPY writer and the partition maintenance (moving rows out of DEFAULT) both use, so a
 * new column cannot reach one and miss the other. `id` and `created_at` are the table's defaults.
 */
export const PREDICTION_LOG_WRITTEN_COLUMNS = `batch_id, row_index, customer_id, ${PREDICTION_LOG_FEATURE_SELECT},
  probability, risk_label, grade, model_version, scored_with, actual_default, outcome_observed_at`;

/** Query rows (one object per logged application) to feature columns. */
export function featureColumnsFromRows(rows: ReadonlyArray<Record<string, unknown>>): FeatureColumns {
  const columns = {} as FeatureColumns;
  for (const name of FEATURE_NAMES) {
    const source = FEATURE_CSV_COLUMNS[name];
    columns[name] = Float64Array.from(rows, (row) => Number(row[source]));
  }
  return columns;
}

/** The prediction_logs column behind a drift column name (a feature, or `prediction`). */
export function loggedColumnOf(driftColumn: string): string {
  if (driftColumn === 'prediction') return 'probability';
  const source = FEATURE_CSV_COLUMNS[driftColumn as FeatureName];
  if (!source) throw new RangeError(`no logged column for drift column "${driftColumn}"`);
  return source;
}

/**
 * The columns PostgreSQL bins for a window's unprofiled batches: logged columns as they are, and
 * the `multivariate` column computed per row from the baseline's model (the same table lookups
 * and sums as multivariateErrors, in the same order).
 */
export function pushDownColumnsFor(specs: ReadonlyArray<SketchColumnSpec>, profile: BaselineProfile | null): PushDownColumn[] {
  return specs.map((spec) => {
    if (spec.name !== MULTIVARIATE_COLUMN) return { ...spec, source: loggedColumnOf(spec.name) };
    const model = profile?.multivariate;
    if (!model) throw new RangeError('the profile has a multivariate column but no multivariate model');
    return {
      ...spec,
      source: null,
      derived: {
        features: model.features.map((name, j) => ({ source: loggedColumnOf(name), ...model.transforms[j] })),
        center: model.center,
        loadings: model.loadings,
      },
    };
  });
}
