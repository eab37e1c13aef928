import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Mergeable per-batch profiles (src/drift-engine/sketch.ts): each batch's rows binned on the grid
 * of the baseline active when it was written, so a window check merges a few kilobytes per batch
 * instead of reading millions of rows (docs/drift-methodology.md, "Windows at any volume").
 * An aggregate, not personal data: no customer id, and it outlives the raw rows' retention.
 *
 * Window checks find a window's batches by their commit time (batches.received_at, indexed),
 * which equals their rows' created_at: both are the writing transaction's now(). The trigger
 * keeps that true when a batch is moved in time (backfills, tests): its rows move with it.
 */
export class BatchProfiles1765000000000 implements MigrationInterface {
  name = 'BatchProfiles1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE batch_profiles (
        batch_id uuid PRIMARY KEY REFERENCES batches (id) ON DELETE CASCADE,
        baseline_id uuid NOT NULL REFERENCES baselines (id),
        row_count integer NOT NULL CHECK (row_count >= 0),
        sketch bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE FUNCTION batch_rows_follow_batch_time() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE prediction_logs SET created_at = NEW.received_at WHERE batch_id = NEW.id AND created_at = OLD.received_at;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER batch_rows_follow_batch_time AFTER UPDATE OF received_at ON batches
      FOR EACH ROW WHEN (OLD.received_at IS DISTINCT FROM NEW.received_at) EXECUTE FUNCTION batch_rows_follow_batch_time()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER batch_rows_follow_batch_time ON batches`);
    await queryRunner.query(`DROP FUNCTION batch_rows_follow_batch_time()`);
    await queryRunner.query(`DROP TABLE batch_profiles`);
  }
}
