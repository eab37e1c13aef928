import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Principals and accountability (security issue): API keys stored only as a salted scrypt hash
 * behind a short public prefix, an append-only audit_log, and who trained / promoted each model
 * version (four-eyes governance).
 */
export class SecurityPrincipalsAudit1764600000000 implements MigrationInterface {
  name = 'SecurityPrincipalsAudit1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$'),
        role text NOT NULL CHECK (role IN ('ingest', 'viewer', 'operator', 'model-admin', 'admin')),
        prefix text NOT NULL UNIQUE,
        secret_hash text NOT NULL,
        created_by text,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        expires_at timestamptz,
        revoked_at timestamptz
      )`);
    // A name identifies one live credential (audit rows and four-eyes checks record names).
    await queryRunner.query(`CREATE UNIQUE INDEX api_keys_live_name ON api_keys (name) WHERE revoked_at IS NULL`);

    await queryRunner.query(`
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        principal text NOT NULL,
        principal_id text,
        role text,
        action text NOT NULL,
        target jsonb NOT NULL DEFAULT '{}'::jsonb,
        summary jsonb NOT NULL DEFAULT '{}'::jsonb,
        outcome text NOT NULL,
        request_id text
      )`);
    await queryRunner.query(`CREATE INDEX audit_log_time ON audit_log (occurred_at DESC, id DESC)`);
    await queryRunner.query(`CREATE INDEX audit_log_principal_time ON audit_log (principal, occurred_at DESC)`);
    await queryRunner.query(`CREATE INDEX audit_log_action_time ON audit_log (action, occurred_at DESC)`);
    // Append-only: the service never updates or deletes audit rows, and neither may anyone
    // else through the service's role (a DBA can still TRUNCATE, which is itself visible).
    await queryRunner.query(`
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only';
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);

    await queryRunner.query(`ALTER TABLE model_versions ADD COLUMN trained_by text, ADD COLUMN promoted_by text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE model_versions DROP COLUMN trained_by, DROP COLUMN promoted_by`);
    await queryRunner.query(`DROP TABLE audit_log`);
    await queryRunner.query(`DROP FUNCTION audit_log_append_only()`);
    await queryRunner.query(`DROP TABLE api_keys`);
  }
}
