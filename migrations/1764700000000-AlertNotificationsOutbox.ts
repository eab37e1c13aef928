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
    // seq: insertion order, never changed (the list order and its keyset cursor; created_at is
    // the transaction start, which ties within a transaction). queued_at: when the row was last
    // queued (a REFRESH row is re-queued every interval; created_at stays when it was first).
    await queryRunner.query(`
      CREATE TABLE alert_notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigserial NOT NULL UNIQUE,
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
        queued_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz
      )`);
    // The claim: pending rows that are due (small, since delivered rows leave the index).
    await queryRunner.query(`CREATE INDEX alert_notifications_due ON alert_notifications (next_attempt_at) WHERE status = 'PENDING'`);
    // The ordering check: does an earlier notification of the same (receiver, alert) still block
    // (PENDING, or a webhook's FAILED)? Also the retry's "superseded by a later one" check.
    await queryRunner.query(`
      CREATE INDEX alert_notifications_pending_order ON alert_notifications (receiver_kind, receiver_target, alert_id, alert_event_id)
      WHERE status IN ('PENDING', 'FAILED')`);
    // The alertNotifications query: newest first per alert (overall: the seq UNIQUE index).
    await queryRunner.query(`CREATE INDEX alert_notifications_alert_seq ON alert_notifications (alert_id, seq DESC)`);
    await queryRunner.query(`CREATE INDEX alert_notifications_event ON alert_notifications (alert_event_id)`);
    // The Alertmanager refresh reads the latest event of every live alert while it holds the
    // alert-event lock: one index probe per alert with this index (it also serves every
    // "events of one alert" read, so it replaces the plain alert_id index).
    await queryRunner.query(`CREATE INDEX alert_events_alert_latest ON alert_events (alert_id, id DESC)`);
    await queryRunner.query(`DROP INDEX alert_events_alert`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX alert_events_alert ON alert_events (alert_id)`);
    await queryRunner.query(`DROP INDEX alert_events_alert_latest`);
    await queryRunner.query(`DROP TABLE alert_notifications`);
  }
}
