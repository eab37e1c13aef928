import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { FeatureColumns } from '../model/features';
import { ApplicationInput } from './dto/application.input';

export interface PredictionRows {
  batchUuid: string;
  records: ReadonlyArray<ApplicationInput>;
  columns: FeatureColumns;
  probabilities: Float64Array;
  riskLabels: ReadonlyArray<string>;
  modelVersion: string;
  scoredWith: string;
}

/** Rows per INSERT: bounds the size of one statement and of the arrays built for it. */
export const PREDICTION_INSERT_CHUNK = 10_000;

/**
 * Bulk writer for prediction_logs. Each chunk is one `INSERT ... SELECT FROM unnest(...)` with a
 * fixed 15 array parameters whatever the chunk size, so PostgreSQL's 65,535 bind-parameter limit
 * never applies. Runs inside the caller's transaction (the manager passed in): all chunks of a
 * batch commit together or not at all.
 */
@Injectable()
export class PredictionLogWriter {
  async write(manager: EntityManager, rows: PredictionRows): Promise<void> {
    const total = rows.records.length;
    for (let start = 0; start < total; start += PREDICTION_INSERT_CHUNK) {
      const end = Math.min(total, start + PREDICTION_INSERT_CHUNK);
      await this.insertChunk(manager, rows, start, end);
    }
  }

  protected async insertChunk(manager: EntityManager, rows: PredictionRows, start: number, end: number): Promise<void> {
    const { records, columns } = rows;
    const n = end - start;
    const rowIndex = new Array<number>(n);
    const customerIds = new Array<string>(n);
    const labels = new Array<boolean | null>(n);
    for (let i = 0; i < n; i++) {
      rowIndex[i] = start + i;
      customerIds[i] = records[start + i].customerId;
      labels[i] = records[start + i].actualDefault ?? null;
    }
    const slice = (column: Float64Array): number[] => Array.from(column.subarray(start, end));
    await manager.query(
      `INSERT INTO prediction_logs (
         batch_id, row_index, customer_id, age, annual_income, debt_to_income, credit_utilization,
         num_open_accounts, delinquency_count, loan_amount, employment_years, probability, risk_label,
         model_version, scored_with, actual_default, outcome_observed_at)
       SELECT $1, u.row_index, u.customer_id, u.age, u.annual_income, u.debt_to_income, u.credit_utilization,
              u.num_open_accounts, u.delinquency_count, u.loan_amount, u.employment_years, u.probability, u.risk_label,
              $2, $3, u.actual_default, CASE WHEN u.actual_default IS NULL THEN NULL ELSE now() END
       FROM unnest($4::int[], $5::text[], $6::int[], $7::float8[], $8::float8[], $9::float8[], $10::int[], $11::int[],
                   $12::float8[], $13::float8[], $14::float8[], $15::text[], $16::bool[])
         AS u(row_index, customer_id, age, annual_income, debt_to_income, credit_utilization, num_open_accounts,
              delinquency_count, loan_amount, employment_years, probability, risk_label, actual_default)`,
      [
        rows.batchUuid,
        rows.modelVersion,
        rows.scoredWith,
        rowIndex,
        customerIds,
        slice(columns.age),
        slice(columns.annualIncome),
        slice(columns.debtToIncome),
        slice(columns.creditUtilization),
        slice(columns.numOpenAccounts),
        slice(columns.delinquencyCount),
        slice(columns.loanAmount),
        slice(columns.employmentYears),
        Array.from(rows.probabilities.subarray(start, end)),
        rows.riskLabels.slice(start, end),
        labels,
      ],
    );
  }
}
