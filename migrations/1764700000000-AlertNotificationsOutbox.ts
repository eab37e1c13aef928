import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alert routing (issue 11): the transactional outbox of alert notifications. One row per alert
 * event and configured receiver, written in the event's transaction; delivery workers on every
 * instance claim due rows with FOR UPDATE SKIP LOCKED and a lease, so a row has one deliverer at
 * a time and survives restarts. See docs/alerts.md "Alert routing".
 */
export class AlertNotificationsOutbox1764700000000 implements MigrationInterface {
  name = 'AlertNotificationsOutbox1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE alert_notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        alert_event_id bigint NOT NULL REFERENCES alert_events (id) ON DELETE CASCADE,
        alert_id uuid NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
        event_type text NOT NULL,
        receiver_kind text NOT NULL CHECK (receiver_kind IN ('ALERTMANAGER', 'WEBHOOK')),
        receiver_target text NOT NULL,
        idempotency_key text NOT NULL UNIQUE,
        payload jsonb NOT NULL,
        status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
        attempts int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        last_http_status int,
        leased_by text,
        lease_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz
      )`);
    // The claim: pending rows that are due (small, since delivered rows leave the index).
    await queryRunner.query(`CREATE INDEX alert_notifications_due ON alert_notifications (next_attempt_at) WHERE status = 'PENDING'`);
    // The ordering check: is an earlier notification of the same (receiver, alert) still pending?
    await queryRunner.query(`
      CREATE INDEX alert_notifications_pending_order ON alert_notifications (receiver_kind, receiver_target, alert_id, alert_event_id)
      WHERE status = 'PENDING'`);
    // The alertNotifications query: newest first, overall and per alert.
    await queryRunner.query(`CREATE INDEX alert_notifications_time ON alert_notifications (created_at DESC, id DESC)`);
    await queryRunner.query(`CREATE INDEX alert_notifications_alert_time ON alert_notifications (alert_id, created_at DESC, id DESC)`);
    await queryRunner.query(`CREATE INDEX alert_notifications_event ON alert_notifications (alert_event_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE alert_notifications`);
  }
}
