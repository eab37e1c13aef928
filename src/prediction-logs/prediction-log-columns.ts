import { FEATURE_CSV_COLUMNS, FEATURE_NAMES, FeatureColumns, FeatureName } from '../model/features';

/**
 * prediction_logs keeps each feature in its own column, named exactly as in the CSV files
 * (snake_case). Modules that read logged applications back (baselines, window checks, retraining)
 * share this select list and row conversion instead of each keeping its own name map.
 */
export const PREDICTION_LOG_FEATURE_SELECT = FEATURE_NAMES.map((name) => FEATURE_CSV_COLUMNS[name]).join(', ');

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
