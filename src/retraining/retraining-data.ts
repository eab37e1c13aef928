import { EntityManager } from 'typeorm';
import { FEATURE_NAMES, FeatureColumns } from '../model/features';

/** prediction_logs column per feature (the features are real columns, see PredictionLogEntity). */
const LOG_COLUMNS: Record<(typeof FEATURE_NAMES)[number], string> = {
  age: 'age',
  annualIncome: 'annual_income',
  debtToIncome: 'debt_to_income',
  creditUtilization: 'credit_utilization',
  numOpenAccounts: 'num_open_accounts',
  delinquencyCount: 'delinquency_count',
  loanAmount: 'loan_amount',
  employmentYears: 'employment_years',
};

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
       SELECT id, ${FEATURE_NAMES.map((name) => LOG_COLUMNS[name]).join(', ')}, actual_default
       FROM prediction_logs
       WHERE actual_default IS NOT NULL AND created_at >= $1 AND created_at < $2
       ORDER BY created_at DESC, id DESC LIMIT $3) newest
     ORDER BY id`,
    [from, to, MAX_RETRAINING_ROWS],
  );
  const columns = {} as FeatureColumns;
  for (const name of FEATURE_NAMES) {
    const column = new Float64Array(rows.length);
    const source = LOG_COLUMNS[name];
    rows.forEach((row, i) => (column[i] = Number(row[source])));
    columns[name] = column;
  }
  return { columns, labels: Uint8Array.from(rows, (row) => (row.actual_default ? 1 : 0)) };
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
