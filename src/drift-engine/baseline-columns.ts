import { FEATURE_NAMES, FeatureColumns } from '../model/features';
import { ColumnKind, defaultColumnKinds, PREDICTION_COLUMN } from './columns';

/** The columns a baseline profiles: the eight features and the model output. */
export type BaselineColumns = Record<string, Float64Array>;

export function baselineColumns(features: FeatureColumns, predictions: Float64Array): BaselineColumns {
  const columns: BaselineColumns = {};
  for (const name of FEATURE_NAMES) columns[name] = features[name];
  columns[PREDICTION_COLUMN] = predictions;
  return columns;
}

export function baselineColumnKinds(): Record<string, ColumnKind> {
  return defaultColumnKinds();
}
