import { EntityManager } from 'typeorm';
import { featureColumnsFromRows, PREDICTION_LOG_FEATURE_SELECT } from '../prediction-logs/prediction-log-columns';
import { FeatureColumns } from '../model/features';

export interface WindowRows {
  columns: FeatureColumns;
  probabilities: Float64Array;
  /** Outcomes known at the time of the check (null: not yet). */
  labels: Array<boolean | null>;
}

/** Model versions that scored rows in [start, end). */
export async function windowModelVersions(manager: EntityManager, start: Date, end: Date): Promise<string[]> {
  const rows: Array<{ model_version: string }> = await manager.query(
    `SELECT DISTINCT model_version FROM prediction_logs WHERE created_at >= $1 AND created_at < $2 ORDER BY model_version`,
    [start, end],
  );
  return rows.map((r) => r.model_version);
}

/**
 * All rows one model version scored in [start, end), pooled across batches: that pooling is what
 * gives a stream of small batches its statistical power. Beyond maxRows the newest are kept.
 */
export async function loadWindowRows(manager: EntityManager, modelVersion: string, start: Date, end: Date, maxRows: number): Promise<WindowRows> {
  const rows: Array<Record<string, number | boolean | null>> = await manager.query(
    `SELECT ${PREDICTION_LOG_FEATURE_SELECT}, probability, actual_default
     FROM prediction_logs
     WHERE model_version = $1 AND created_at >= $2 AND created_at < $3
     ORDER BY created_at DESC, id DESC LIMIT $4`,
    [modelVersion, start, end, maxRows],
  );
  return {
    columns: featureColumnsFromRows(rows),
    probabilities: Float64Array.from(rows, (row) => Number(row.probability)),
    labels: rows.map((row) => row.actual_default as boolean | null),
  };
}
