import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One scored application. The largest table: features are real columns (not JSON) so windowed
 * drift checks and retraining read them with plain SQL. Range-partitioned by created_at (one
 * partition per UTC month, plus a DEFAULT), so the primary key and the batch-row unique index
 * include created_at; see README "Scaling".
 */
@Entity({ name: 'prediction_logs' })
@Index('prediction_logs_batch_row', ['batchId', 'rowIndex', 'createdAt'], { unique: true })
@Index('prediction_logs_customer', ['customerId'])
@Index('prediction_logs_created_at', ['createdAt'])
export class PredictionLogEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'batch_id', type: 'uuid' })
  batchId: string;

  @Column({ name: 'row_index', type: 'int' })
  rowIndex: number;

  @Column({ name: 'customer_id', type: 'text' })
  customerId: string;

  @Column({ type: 'int' })
  age: number;

  @Column({ name: 'annual_income', type: 'double precision' })
  annualIncome: number;

  @Column({ name: 'debt_to_income', type: 'double precision' })
  debtToIncome: number;

  @Column({ name: 'credit_utilization', type: 'double precision' })
  creditUtilization: number;

  @Column({ name: 'num_open_accounts', type: 'int' })
  numOpenAccounts: number;

  @Column({ name: 'delinquency_count', type: 'int' })
  delinquencyCount: number;

  @Column({ name: 'loan_amount', type: 'double precision' })
  loanAmount: number;

  @Column({ name: 'employment_years', type: 'double precision' })
  employmentYears: number;

  @Column({ type: 'double precision' })
  probability: number;

  @Column({ name: 'risk_label', type: 'text' })
  riskLabel: string;

  /** Rating grade on the scoring model's master scale (1 = lowest PD); null when it had none. */
  @Column({ type: 'smallint', nullable: true })
  grade: number | null;

  @Column({ name: 'model_version', type: 'text' })
  modelVersion: string;

  @Column({ name: 'scored_with', type: 'text' })
  scoredWith: string;

  @Column({ name: 'actual_default', type: 'boolean', nullable: true })
  actualDefault: boolean | null;

  @Column({ name: 'outcome_observed_at', type: 'timestamptz', nullable: true })
  outcomeObservedAt: Date | null;

  @PrimaryColumn({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
