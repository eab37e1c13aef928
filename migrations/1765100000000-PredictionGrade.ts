import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every logged prediction carries its rating grade on the scoring model's master scale (issue 14,
 * src/model/master-scale.ts) next to its risk label, so grade distributions and per-grade default
 * rates are read from prediction_logs with plain SQL. Null for rows scored before this migration,
 * by the fallback, or by an artifact without a master scale.
 *
 * prediction_logs is partitioned by month: ALTER TABLE on the parent adds the column and the
 * CHECK constraint to every partition, the DEFAULT one included, and partitions created later
 * (CREATE TABLE ... PARTITION OF) inherit both. A nullable column without a default rewrites
 * nothing, but validating the CHECK scans every existing row once (all null, so it cannot fail)
 * under the ALTER's ACCESS EXCLUSIVE lock, which blocks ingestion meanwhile: on a large ledger run
 * this migration in a quiet hour, as the partitioning migration says. The up/down round trip is
 * exercised by test/integration/migrations.spec.ts.
 */
export class PredictionGrade1765100000000 implements MigrationInterface {
  name = 'PredictionGrade1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // 25 is MAX_GRADE_COUNT in src/model/master-scale.ts: a scale has at most 25 grades.
    await queryRunner.query(`
      ALTER TABLE prediction_logs
        ADD COLUMN grade smallint,
        ADD CONSTRAINT prediction_logs_grade_range CHECK (grade BETWEEN 1 AND 25)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Dropping the column drops its CHECK constraint on the parent and on every partition.
    await queryRunner.query(`ALTER TABLE prediction_logs DROP COLUMN grade`);
  }
}
