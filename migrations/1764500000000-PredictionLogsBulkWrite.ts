import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * prediction_logs is append-only and written only by COPY inside the transaction that inserts
 * its batch row, so every row's batch exists by construction, and nothing deletes batches. The
 * foreign key's per-row check cost about a quarter of the write time of a 50,000-record batch
 * (bench:ingest), so it goes; the index on batch_id (prediction_logs_batch_row) stays for joins.
 */
export class PredictionLogsBulkWrite1764500000000 implements MigrationInterface {
  name = 'PredictionLogsBulkWrite1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE prediction_logs DROP CONSTRAINT IF EXISTS prediction_logs_batch_id_fkey`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE prediction_logs ADD CONSTRAINT prediction_logs_batch_id_fkey FOREIGN KEY (batch_id) REFERENCES batches (id) ON DELETE CASCADE`,
    );
  }
}
