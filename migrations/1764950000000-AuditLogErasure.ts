import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail stays append-only, with one exception the right to erasure needs: inside a
 * transaction that set `credit_monitor.erasure_id` (eraseCustomerData, src/privacy), an UPDATE may
 * rewrite the free-form parts of a row (target, summary, request_id) where a customer id
 * appeared, replacing it with a marker naming the erasure. Who did what, when, and how it ended
 * (principal, role, action, outcome, time) can still never change, and DELETE is still refused.
 * The setting guards against mistakes in the service's own code, not against a database
 * administrator, who could drop the trigger anyway (and that is visible in the schema).
 */
export class AuditLogErasure1764950000000 implements MigrationInterface {
  name = 'AuditLogErasure1764950000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE'
           AND coalesce(current_setting('credit_monitor.erasure_id', true), '') <> ''
           AND NEW.id = OLD.id
           AND NEW.occurred_at = OLD.occurred_at
           AND NEW.principal = OLD.principal
           AND NEW.principal_id IS NOT DISTINCT FROM OLD.principal_id
           AND NEW.role IS NOT DISTINCT FROM OLD.role
           AND NEW.action = OLD.action
           AND NEW.outcome = OLD.outcome THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit_log is append-only';
      END $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only';
      END $$`);
  }
}
