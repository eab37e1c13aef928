import { EntityManager } from 'typeorm';
import { featureColumnsFromRows, PREDICTION_LOG_FEATURE_SELECT } from '../prediction-logs/prediction-log-columns';
import { FEATURE_NAMES, FeatureColumns } from '../model/features';

/** Upper bound on rows read for one retraining run (the newest are kept beyond it). */
export const MAX_RETRAINING_ROWS = 1_000_000;

export interface LabelledRows {
  columns: FeatureColumns;
  labels: Uint8Array;
}

/**
 * Labelled prediction logs scored in [from, to), as columns. Each row is one scored application
 * with its joined outcome, whatever model version scored it: the challenger learns from the
 * applicants and outcomes, not from the old model's scores.
 */
export async function loadLabelledLogs(manager: EntityManager, from: Date, to: Date): Promise<LabelledRows> {
  const rows: Array<Record<string, number | boolean>> = await manager.query(
    `SELECT * FROM (
       SELECT id, ${PREDICTION_LOG_FEATURE_SELECT}, actual_default
       FROM prediction_logs
       WHERE actual_default IS NOT NULL AND created_at >= $1 AND created_at < $2
       ORDER BY created_at DESC, id DESC LIMIT $3) newest
     ORDER BY id`,
    [from, to, MAX_RETRAINING_ROWS],
  );
  return { columns: featureColumnsFromRows(rows), labels: Uint8Array.from(rows, (row) => (row.actual_default ? 1 : 0)) };
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
