import { FEATURE_NAMES, FeatureColumns } from '../model/features';

/** Upper bound on rows read for one retraining run (the newest are kept beyond it). */
export const MAX_RETRAINING_ROWS = 1_000_000;

export interface LabelledRows {
  columns: FeatureColumns;
  labels: Uint8Array;
}

export function concatRows(a: LabelledRows, b: LabelledRows): LabelledRows {
  const columns = {} as FeatureColumns;
  for (const name of FEATURE_NAMES) {
    const column = new Float64Array(a.labels.length + b.labels.length);
    column.set(a.columns[name], 0);
    column.set(b.columns[name], a.labels.length);
    columns[name] = column;
  }
  const labels = new Uint8Array(a.labels.length + b.labels.length);
  labels.set(a.labels, 0);
  labels.set(b.labels, a.labels.length);
  return { columns, labels };
}

export function countPositives(labels: ArrayLike<number>): number {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i];
  return positives;
}
