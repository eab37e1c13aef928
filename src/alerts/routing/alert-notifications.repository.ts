import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { newestFirstPage } from '../../common/pagination/connection';
import type { NotificationStatus, ReceiverKind } from '../entities/alert-notification.entity';
import { NotificationEnvelope, REFRESH_EVENT_TYPE } from './notification-payload';

/** An `alert_notifications` row as pg returns it (bigint ids as text). */
export interface NotificationRow {
  id: string;
  alert_event_id: string;
  alert_id: string;
  event_type: string;
  receiver_kind: ReceiverKind;
  receiver_target: string;
  idempotency_key: string;
  payload: NotificationEnvelope;
  status: NotificationStatus;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  last_http_status: number | null;
  leased_by: string | null;
  lease_until: Date | null;
  created_at: Date;
  delivered_at: Date | null;
}

export interface NewNotification {
  alertEventId: string;
  alertId: string;
  eventType: string;
  receiverKind: ReceiverKind;
  receiverTarget: string;
  idempotencyKey: string;
  payload: NotificationEnvelope;
}

/** How a finished attempt leaves a claimed row. */
export interface AttemptOutcome {
  status: NotificationStatus;
  httpStatus: number | null;
  error: string | null;
  /** PENDING only: when the next attempt is due. */
  retryInMs: number;
}

export interface NotificationListFilter {
  alertId?: string | null;
  status?: NotificationStatus | null;
}

const COLUMNS = `n.id, n.alert_event_id::text AS alert_event_id, n.alert_id, n.event_type, n.receiver_kind, n.receiver_target,
  n.idempotency_key, n.payload, n.status, n.attempts, n.next_attempt_at, n.last_error, n.last_http_status, n.leased_by,
  n.lease_until, n.created_at, n.delivered_at`;
const KEYSET = { table: 'alert_notifications', alias: 'n', timeColumn: 'created_at' } as const;

/**
 * The only SQL on `alert_notifications`, the alert-notification outbox. Rows are written in the
 * alert event's transaction (insertForEvent), claimed by delivery workers with FOR UPDATE SKIP
 * LOCKED and a lease (claim), and finished by the instance holding the lease (finish, release).
 * UPDATE ... RETURNING runs inside a CTE: TypeORM returns [rows, count] for a bare UPDATE.
 */
@Injectable()
export class AlertNotificationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One row per receiver for one alert event, in the caller's (the event's) transaction. */
  async insertForEvent(manager: EntityManager, rows: NewNotification[]): Promise<void> {
    if (!rows.length) return;
    await manager.query(
      `INSERT INTO alert_notifications (alert_event_id, alert_id, event_type, receiver_kind, receiver_target, idempotency_key, payload)
       SELECT e, a, t, k, r, i, p::jsonb
       FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS u (e, a, t, k, r, i, p)`,
      [
        rows.map((r) => r.alertEventId),
        rows.map((r) => r.alertId),
        rows.map((r) => r.eventType),
        rows.map((r) => r.receiverKind),
        rows.map((r) => r.receiverTarget),
        rows.map((r) => r.idempotencyKey),
        rows.map((r) => JSON.stringify(r.payload)),
      ],
    );
  }

  /**
   * Leases up to `limit` due notifications to `instance` for `leaseMs`. A row is due when it is
   * PENDING, its next attempt time has come, no live lease holds it, its receiver is one of
   * `receivers` ("KIND target"; rows of receivers no longer configured wait), and no earlier
   * notification of the same (receiver, alert) is still PENDING: per (receiver, alert) only the
   * oldest pending one is ever claimable, so a RESOLVED can never overtake its CREATED, even
   * while the CREATED waits for a retry. Earlier ones that FAILED do not block. "Oldest" is by
   * (alert event id, created_at, id): event ids are visible in order (AlertEventWriter), and a
   * refresh row pinned to an event sorts after that event's own notification.
   * FOR UPDATE SKIP LOCKED makes concurrent claims on several instances take disjoint rows; a
   * row claimed and committed by another instance meanwhile is re-checked on its new version
   * (now leased) and skipped.
   */
  async claim(instance: string, receivers: string[], limit: number, leaseMs: number): Promise<NotificationRow[]> {
    return (await this.dataSource.query(
      `WITH claimed AS (
       UPDATE alert_notifications n
       SET leased_by = $1, lease_until = now() + $2 * interval '1 millisecond'
       WHERE n.id IN (
         SELECT c.id FROM alert_notifications c
         WHERE c.status = 'PENDING'
           AND c.next_attempt_at <= now()
           AND (c.lease_until IS NULL OR c.lease_until < now())
           AND c.receiver_kind || ' ' || c.receiver_target = ANY ($3::text[])
           AND NOT EXISTS (
             SELECT 1 FROM alert_notifications p
             WHERE p.receiver_kind = c.receiver_kind AND p.receiver_target = c.receiver_target AND p.alert_id = c.alert_id
               AND p.status = 'PENDING' AND (p.alert_event_id, p.created_at, p.id) < (c.alert_event_id, c.created_at, c.id))
         ORDER BY c.alert_event_id, c.created_at, c.id
         LIMIT $4
         FOR UPDATE SKIP LOCKED)
       RETURNING n.*)
       SELECT ${COLUMNS} FROM claimed n ORDER BY n.alert_event_id, n.created_at, n.id`,
      [instance, leaseMs, receivers, limit],
    )) as NotificationRow[];
  }

  /**
   * Records a finished attempt, only while `instance` still holds the row (a lease that ran out
   * and was taken over is the new holder's to finish). Returns false when it no longer held it.
   */
  async finish(id: string, instance: string, outcome: AttemptOutcome): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `WITH finished AS (
       UPDATE alert_notifications
       SET status = $3, attempts = attempts + 1, last_http_status = $4, last_error = $5, lease_until = NULL,
           next_attempt_at = CASE WHEN $3 = 'PENDING' THEN now() + $6 * interval '1 millisecond' ELSE next_attempt_at END,
           delivered_at = CASE WHEN $3 = 'DELIVERED' THEN now() ELSE delivered_at END
       WHERE id = $1 AND leased_by = $2 AND status = 'PENDING'
       RETURNING id)
       SELECT id FROM finished`,
      [id, instance, outcome.status, outcome.httpStatus, outcome.error, outcome.retryInMs],
    )) as unknown[];
    return rows.length > 0;
  }

  /** Gives leased rows back unfinished (shutdown), due at once for any instance. */
  async release(ids: string[], instance: string): Promise<void> {
    if (!ids.length) return;
    await this.dataSource.query(
      `UPDATE alert_notifications SET leased_by = NULL, lease_until = NULL WHERE id = ANY ($1::uuid[]) AND leased_by = $2 AND status = 'PENDING'`,
      [ids, instance],
    );
  }

  /**
   * Queues the re-send rows (one per alert and Alertmanager, re-used: the table does not grow
   * with refreshes). A row is queued again only when its last send is finished and at least
   * `minIntervalMs` old, so instances refreshing at once (or a refresh right after another)
   * change nothing. The row is pinned to the alert's latest event, so the ordering rule of
   * claim() delivers it after that event's notification and before any later one. Returns the
   * number of rows queued.
   */
  async queueRefresh(manager: EntityManager, rows: NewNotification[], minIntervalMs: number): Promise<number> {
    if (!rows.length) return 0;
    const result = (await manager.query(
      `INSERT INTO alert_notifications (alert_event_id, alert_id, event_type, receiver_kind, receiver_target, idempotency_key, payload)
       SELECT e, a, '${REFRESH_EVENT_TYPE}', k, r, i, p::jsonb
       FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[]) AS u (e, a, k, r, i, p)
       ON CONFLICT (idempotency_key) DO UPDATE
         SET alert_event_id = EXCLUDED.alert_event_id, payload = EXCLUDED.payload, status = 'PENDING', attempts = 0,
             next_attempt_at = now(), last_error = NULL, last_http_status = NULL, leased_by = NULL, lease_until = NULL,
             created_at = now(), delivered_at = NULL
         WHERE alert_notifications.status <> 'PENDING' AND alert_notifications.created_at <= now() - $7 * interval '1 millisecond'
       RETURNING id`,
      [
        rows.map((r) => r.alertEventId),
        rows.map((r) => r.alertId),
        rows.map((r) => r.receiverKind),
        rows.map((r) => r.receiverTarget),
        rows.map((r) => r.idempotencyKey),
        rows.map((r) => JSON.stringify(r.payload)),
        minIntervalMs,
      ],
    )) as unknown[];
    return result.length;
  }

  async findById(id: string): Promise<NotificationRow | null> {
    const rows = (await this.dataSource.query(`SELECT ${COLUMNS} FROM alert_notifications n WHERE n.id = $1`, [id])) as NotificationRow[];
    return rows[0] ?? null;
  }

  /** Newest first, keyset on (created_at, id); `limit` is the page size + 1. */
  async listPage(
    filter: NotificationListFilter,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<{ rows: NotificationRow[]; total: number; size: number }> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    if (filter.alertId) {
      params.push(filter.alertId);
      conditions.push(`n.alert_id = $${params.length}`);
    }
    if (filter.status) {
      params.push(filter.status);
      conditions.push(`n.status = $${params.length}`);
    }
    const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    const page = newestFirstPage(KEYSET, first, after, params.length + 1);
    const pageConditions = page.condition ? [...conditions, page.condition] : conditions;
    const pageWhere = pageConditions.length ? `WHERE ${pageConditions.join(' AND ')}` : '';
    const [rows, [{ n }]] = await Promise.all([
      this.dataSource.query(
        `SELECT ${COLUMNS} FROM alert_notifications n ${pageWhere} ORDER BY n.created_at DESC, n.id DESC LIMIT ${page.limit}`,
        [...params, ...page.params],
      ) as Promise<NotificationRow[]>,
      this.dataSource.query(`SELECT count(*)::int AS n FROM alert_notifications n ${where}`, params) as Promise<Array<{ n: number }>>,
    ]);
    return { rows, total: n, size: page.limit - 1 };
  }
}
