import { MigrationInterface, QueryRunner } from 'typeorm';

/** Months created ahead of the current one here; PREDICTION_LOG_PARTITIONS_AHEAD extends it at start-up. */
const MONTHS_AHEAD = 3;

/** Every column, in table order: the copy in both directions names them, so it never depends on physical order. */
const COLUMNS = `id, batch_id, row_index, customer_id, age, annual_income, debt_to_income, credit_utilization,
  num_open_accounts, delinquency_count, loan_amount, employment_years, probability, risk_label, model_version,
  scored_with, actual_default, outcome_observed_at, created_at`;

/** The column definitions shared by the partitioned and the plain table (id keeps its sequence). */
const COLUMN_DEFINITIONS = `
  id bigint NOT NULL DEFAULT nextval('prediction_logs_id_seq'::regclass),
  batch_id uuid NOT NULL,
  row_index integer NOT NULL,
  customer_id text NOT NULL,
  age integer NOT NULL,
  annual_income double precision NOT NULL,
  debt_to_income double precision NOT NULL,
  credit_utilization double precision NOT NULL,
  num_open_accounts integer NOT NULL,
  delinquency_count integer NOT NULL,
  loan_amount double precision NOT NULL,
  employment_years double precision NOT NULL,
  probability double precision NOT NULL,
  risk_label text NOT NULL,
  model_version text NOT NULL,
  scored_with text NOT NULL,
  actual_default boolean,
  outcome_observed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()`;

/** `prediction_logs_p202501` for the month starting at `month` (UTC). Same rule as src/prediction-logs. */
function partitionName(month: Date): string {
  return `prediction_logs_p${month.getUTCFullYear()}${String(month.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** Months a partition name and an ISO bound can express; rows of other years stay in the DEFAULT partition. */
function nameable(month: Date): boolean {
  return month.getUTCFullYear() >= 1000 && month.getUTCFullYear() <= 9998;
}

function addMonths(month: Date, n: number): Date {
  return new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + n, 1));
}

/**
 * prediction_logs becomes a table RANGE-partitioned by created_at, one partition per calendar
 * month (UTC) plus a DEFAULT partition for rows no month partition takes (a clock far off, rows
 * moved by hand): window reads prune to the months they cover, and retention drops whole months
 * instead of deleting rows (src/prediction-logs/prediction-log-partitions.service.ts keeps
 * months ahead and applies retention).
 *
 * PostgreSQL cannot turn a table into a partitioned one in place, so the rows are copied, inside
 * this migration's transaction: a failure leaves the old table as it was. The copy rewrites the
 * table once (plan a quiet hour for a large one). What changes for queries:
 * - the primary key is (id, created_at) and the batch-row unique index is (batch_id, row_index,
 *   created_at): a unique constraint on a partitioned table must contain the partition key. id
 *   still comes from the same sequence, so ids stay unique in practice, and a batch's rows share
 *   one created_at (the COPY's now());
 * - the other indexes (customer_id; created_at; labelled rows by created_at) are partitioned
 *   indexes with the same names, so every partition has them.
 */
export class PartitionPredictionLogs1764900000000 implements MigrationInterface {
  name = 'PartitionPredictionLogs1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE prediction_logs RENAME TO prediction_logs_unpartitioned`);
    // The sequence would go with the old table (OWNED BY); it is handed to the new one below.
    await queryRunner.query(`ALTER SEQUENCE prediction_logs_id_seq OWNED BY NONE`);
    await queryRunner.query(`CREATE TABLE prediction_logs (${COLUMN_DEFINITIONS}) PARTITION BY RANGE (created_at)`);

    // Every month holding rows, found by one index probe per month (a loose index scan on
    // created_at) rather than a scan of the whole table; months are UTC calendar months.
    const withRows: Array<{ month: Date }> = await queryRunner.query(`
      WITH RECURSIVE months(month) AS (
        SELECT date_trunc('month', min(created_at), 'UTC') FROM prediction_logs_unpartitioned
        UNION ALL
        SELECT (SELECT date_trunc('month', min(p.created_at), 'UTC') FROM prediction_logs_unpartitioned p
                WHERE p.created_at >= ((m.month AT TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC')
        FROM months m WHERE m.month IS NOT NULL)
      SELECT month FROM months WHERE month IS NOT NULL`);
    const [{ now }]: Array<{ now: Date }> = await queryRunner.query(`SELECT now() AS now`);
    const current = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const months = new Map<number, Date>(withRows.map(({ month }) => [month.getTime(), month]));
    for (let n = 0; n <= MONTHS_AHEAD; n++) months.set(addMonths(current, n).getTime(), addMonths(current, n));
    for (const month of [...months.values()].filter(nameable).sort((a, b) => a.getTime() - b.getTime())) {
      await queryRunner.query(
        `CREATE TABLE ${partitionName(month)} PARTITION OF prediction_logs FOR VALUES FROM ('${month.toISOString()}') TO ('${addMonths(month, 1).toISOString()}')`,
      );
    }
    await queryRunner.query(`CREATE TABLE prediction_logs_default PARTITION OF prediction_logs DEFAULT`);

    // Indexes after the copy: one sorted build per partition is cheaper than maintaining them row by row.
    await queryRunner.query(`INSERT INTO prediction_logs (${COLUMNS}) SELECT ${COLUMNS} FROM prediction_logs_unpartitioned`);
    await queryRunner.query(`DROP TABLE prediction_logs_unpartitioned`);
    await queryRunner.query(`ALTER SEQUENCE prediction_logs_id_seq OWNED BY prediction_logs.id`);
    await this.createIndexes(queryRunner, true);
    // A partitioned parent is never analysed by autovacuum; the planner needs its statistics.
    await queryRunner.query(`ANALYZE prediction_logs`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE prediction_logs RENAME TO prediction_logs_partitioned`);
    await queryRunner.query(`ALTER SEQUENCE prediction_logs_id_seq OWNED BY NONE`);
    // The index and constraint names are free again once the partitioned table is gone.
    await queryRunner.query(`CREATE TABLE prediction_logs (${COLUMN_DEFINITIONS})`);
    await queryRunner.query(`INSERT INTO prediction_logs (${COLUMNS}) SELECT ${COLUMNS} FROM prediction_logs_partitioned ORDER BY id`);
    await queryRunner.query(`DROP TABLE prediction_logs_partitioned`);
    await queryRunner.query(`ALTER SEQUENCE prediction_logs_id_seq OWNED BY prediction_logs.id`);
    // Fails (and rolls the revert back) if two rows now share (batch_id, row_index) or id, which
    // only the wider partitioned keys allowed.
    await this.createIndexes(queryRunner, false);
    await queryRunner.query(`ANALYZE prediction_logs`);
  }

  private async createIndexes(queryRunner: QueryRunner, partitioned: boolean): Promise<void> {
    const withTime = partitioned ? ', created_at' : '';
    await queryRunner.query(`ALTER TABLE prediction_logs ADD CONSTRAINT prediction_logs_pkey PRIMARY KEY (id${withTime})`);
    await queryRunner.query(`CREATE UNIQUE INDEX prediction_logs_batch_row ON prediction_logs (batch_id, row_index${withTime})`);
    await queryRunner.query(`CREATE INDEX prediction_logs_customer ON prediction_logs (customer_id)`);
    await queryRunner.query(`CREATE INDEX prediction_logs_created_at ON prediction_logs (created_at)`);
    await queryRunner.query(
      `CREATE INDEX prediction_logs_labelled_created_at ON prediction_logs (created_at) WHERE actual_default IS NOT NULL`,
    );
  }
}
