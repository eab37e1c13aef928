import { EntityManager } from 'typeorm';
import { FEATURE_NAMES, FeatureColumns, FeatureName } from '../model/features';

const LOG_COLUMNS: Record<FeatureName, string> = {
  age: 'age',
  annualIncome: 'annual_income',
  debtToIncome: 'debt_to_income',
  creditUtilization: 'credit_utilization',
  numOpenAccounts: 'num_open_accounts',
  delinquencyCount: 'delinquency_count',
  loanAmount: 'loan_amount',
  employmentYears: 'employment_years',
};

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
    `SELECT ${FEATURE_NAMES.map((name) => LOG_COLUMNS[name]).join(', ')}, probability, actual_default
     FROM prediction_logs
     WHERE model_version = $1 AND created_at >= $2 AND created_at < $3
     ORDER BY created_at DESC, id DESC LIMIT $4`,
    [modelVersion, start, end, maxRows],
  );
  const columns = {} as FeatureColumns;
  for (const name of FEATURE_NAMES) {
    const source = LOG_COLUMNS[name];
    columns[name] = Float64Array.from(rows, (row) => Number(row[source]));
  }
  return {
    columns,
    probabilities: Float64Array.from(rows, (row) => Number(row.probability)),
    labels: rows.map((row) => row.actual_default as boolean | null),
  };
}
