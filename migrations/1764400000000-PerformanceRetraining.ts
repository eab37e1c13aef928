import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Performance, retraining and scheduled re-checks:
 * - WINDOW performance rows are written once per (model, window kind, window end), like WINDOW
 *   drift reports, so a double run of a scheduled tick changes nothing.
 * - At most one ACTIVE model version: promotion and start-up registration rely on it, and every
 *   instance reads that row to decide which model scores.
 * - Indexes for the queries this issue adds (labelled rows by time for retraining, retraining
 *   events newest first, recent WINDOW drift reports per model for reconciliation).
 */
export class PerformanceRetraining1764400000000 implements MigrationInterface {
  name = 'PerformanceRetraining1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE performance_metrics ADD COLUMN window_kind text`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX performance_metrics_window_once ON performance_metrics (model_version, window_kind, window_end) WHERE scope = 'WINDOW'`,
    );
    // Earlier start-ups could (in a race) leave two ACTIVE rows: keep the most recently promoted.
    await queryRunner.query(`
      UPDATE model_versions SET status = 'RETIRED'
      WHERE status = 'ACTIVE' AND id <> (
        SELECT id FROM model_versions WHERE status = 'ACTIVE' ORDER BY promoted_at DESC NULLS LAST, created_at DESC LIMIT 1)`);
    await queryRunner.query(`CREATE UNIQUE INDEX model_versions_one_active ON model_versions (status) WHERE status = 'ACTIVE'`);
    await queryRunner.query(`CREATE INDEX model_versions_created_at ON model_versions (created_at, id)`);
    await queryRunner.query(`CREATE INDEX retraining_events_created_at ON retraining_events (created_at, id)`);
    await queryRunner.query(
      `CREATE INDEX prediction_logs_labelled_created_at ON prediction_logs (created_at) WHERE actual_default IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX drift_reports_window_recent ON drift_reports (model_version, window_kind, window_end DESC) WHERE kind = 'WINDOW'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS drift_reports_window_recent`);
    await queryRunner.query(`DROP INDEX IF EXISTS prediction_logs_labelled_created_at`);
    await queryRunner.query(`DROP INDEX IF EXISTS retraining_events_created_at`);
    await queryRunner.query(`DROP INDEX IF EXISTS model_versions_created_at`);
    await queryRunner.query(`DROP INDEX IF EXISTS model_versions_one_active`);
    await queryRunner.query(`DROP INDEX IF EXISTS performance_metrics_window_once`);
    await queryRunner.query(`ALTER TABLE performance_metrics DROP COLUMN IF EXISTS window_kind`);
  }
}
