import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { NotificationStatus, ReceiverKind } from '../entities/alert-notification.entity';
import { NotificationEnvelope } from './notification-payload';

/** An `alert_notifications` row as pg returns it (bigint ids as text). */
export interface NotificationRow {
  id: string;
  seq: string;
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
  queued_at: Date;
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

/** Which FAILED rows a retry re-queues: those of these receivers ("KIND target"), of one alert or all. */
export interface RetryFilter {
  receivers: string[];
  alertId: string | null;
}

const COLUMNS = `n.id, n.seq::text AS seq, n.alert_event_id::text AS alert_event_id, n.alert_id, n.event_type, n.receiver_kind,
  n.receiver_target, n.idempotency_key, n.payload, n.status, n.attempts, n.next_attempt_at, n.last_error, n.last_http_status,
  n.leased_by, n.lease_until, n.created_at, n.queued_at, n.delivered_at`;

/**
 * New rows as one array per column ($1..$7), so one statement inserts any number of them.
 * `p` is the payload as JSON text.
 */
const INSERT_NEW = `INSERT INTO alert_notifications (alert_event_id, alert_id, event_type, receiver_kind, receiver_target, idempotency_key, payload)
  SELECT e, a, t, k, r, i, p::jsonb
  FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS u (e, a, t, k, r, i, p)`;

function columnsOf(rows: NewNotification[]): unknown[] {
  return [
    rows.map((r) => r.alertEventId),
    rows.map((r) => r.alertId),
    rows.map((r) => r.eventType),
    rows.map((r) => r.receiverKind),
    rows.map((r) => r.receiverTarget),
    rows.map((r) => r.idempotencyKey),
    rows.map((r) => JSON.stringify(r.payload)),
  ];
}

/**
 * The delivery order of one (receiver, alert), as a row value to compare: by alert event id
 * (event ids become visible in id order, AlertEventWriter), and a REFRESH row pinned to an event
 * after that event's own notification; seq breaks any remaining tie.
 */
const ORDER = (alias: string): string => `(${alias}.alert_event_id, ${alias}.event_type = 'REFRESH', ${alias}.seq)`;

/**
 * Does `p` hold back a later notification of its (receiver, alert)? A PENDING one always does.
 * A FAILED one does for webhooks: a webhook receiver gets every event in order, so a RESOLVED
 * never arrives without its CREATED; the later ones wait until an operator re-queues the failed
 * one (retryAlertNotifications). Not for Alertmanager: each post carries the alert's whole state
 * and the newest state wins, so a newer notification supersedes a failed older one.
 */
const BLOCKS = (alias: string): string =>
  `${alias}.status IN ('PENDING', 'FAILED') AND (${alias}.status = 'PENDING' OR ${alias}.receiver_kind = 'WEBHOOK')`;

const SAME_STREAM = (a: string, b: string): string =>
  `${a}.receiver_kind = ${b}.receiver_kind AND ${a}.receiver_target = ${b}.receiver_target AND ${a}.alert_id = ${b}.alert_id`;

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
    await manager.query(INSERT_NEW, columnsOf(rows));
  }

  /**
   * Leases up to `limit` due notifications to `instance` for `leaseMs`. A row is due when it is
   * PENDING, its next attempt time has come, no live lease holds it, its receiver is one of
   * `receivers` ("KIND target"; rows of receivers no longer configured wait), and no earlier
   * notification of the same (receiver, alert) blocks it (BLOCKS): per (receiver, alert) only
   * the oldest unblocked one is ever claimable, so a RESOLVED can never overtake its CREATED,
   * even while the CREATED waits for a retry.
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
             WHERE ${SAME_STREAM('p', 'c')} AND ${BLOCKS('p')} AND ${ORDER('p')} < ${ORDER('c')})
         ORDER BY ${ORDER('c')}
         LIMIT $4
         FOR UPDATE SKIP LOCKED)
       RETURNING n.*)
       SELECT ${COLUMNS} FROM claimed n ORDER BY ${ORDER('n')}`,
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
   * with refreshes). A row is queued again only when its last send is finished (DELIVERED or
   * FAILED) and it was queued at least `minIntervalMs` ago, so instances refreshing at once (or
   * a refresh right after another) change nothing. The row is pinned to the alert's latest
   * event, so the ordering rule of claim() delivers it after that event's notification and
   * before any later one. created_at and seq stay as they were (the row keeps its place in the
   * list); queued_at moves. Returns the number of rows queued.
   */
  async queueRefresh(manager: EntityManager, rows: NewNotification[], minIntervalMs: number): Promise<number> {
    if (!rows.length) return 0;
    const result = (await manager.query(
      `${INSERT_NEW}
       ON CONFLICT (idempotency_key) DO UPDATE
         SET alert_event_id = EXCLUDED.alert_event_id, payload = EXCLUDED.payload, status = 'PENDING', attempts = 0,
             next_attempt_at = now(), last_error = NULL, last_http_status = NULL, leased_by = NULL, lease_until = NULL,
             queued_at = now(), delivered_at = NULL
         WHERE alert_notifications.status <> 'PENDING' AND alert_notifications.queued_at <= now() - $8 * interval '1 millisecond'
       RETURNING id`,
      [...columnsOf(rows), minIntervalMs],
    )) as unknown[];
    return result.length;
  }

  /**
   * Re-queues FAILED notifications (retryAlertNotifications), in the caller's transaction: due
   * at once, with a fresh attempt budget; last_error stays until the next attempt. An
   * Alertmanager row that a later notification of its alert supersedes stays FAILED: re-sending
   * an older state after a newer one would, for instance, re-fire a resolved alert. Webhook rows
   * are all re-queued; claim() then sends them, and those they held back, in event order.
   */
  async requeueFailed(manager: EntityManager, filter: RetryFilter): Promise<{ requeued: number; superseded: number }> {
    const [row] = (await manager.query(
      `WITH failed AS (
         SELECT f.id, f.receiver_kind = 'ALERTMANAGER' AND EXISTS (
             SELECT 1 FROM alert_notifications l WHERE ${SAME_STREAM('l', 'f')} AND ${ORDER('l')} > ${ORDER('f')}) AS superseded
         FROM alert_notifications f
         WHERE f.status = 'FAILED'
           AND f.receiver_kind || ' ' || f.receiver_target = ANY ($1::text[])
           AND ($2::uuid IS NULL OR f.alert_id = $2::uuid)),
       requeued AS (
         UPDATE alert_notifications n
         SET status = 'PENDING', attempts = 0, next_attempt_at = now(), leased_by = NULL, lease_until = NULL, queued_at = now()
         FROM failed
         WHERE n.id = failed.id AND NOT failed.superseded AND n.status = 'FAILED'
         RETURNING n.id)
       SELECT (SELECT count(*) FROM requeued)::int AS requeued, (SELECT count(*) FROM failed WHERE superseded)::int AS superseded`,
      [filter.receivers, filter.alertId],
    )) as Array<{ requeued: number; superseded: number }>;
    return row;
  }

  async findById(id: string): Promise<NotificationRow | null> {
    const rows = (await this.dataSource.query(`SELECT ${COLUMNS} FROM alert_notifications n WHERE n.id = $1`, [id])) as NotificationRow[];
    return rows[0] ?? null;
  }

  /**
   * Newest first by seq (insertion order, never changed: pages neither skip nor repeat a row
   * while rows arrive or a REFRESH row is re-queued); `afterSeq` is the last seq of the previous
   * page, `limit` the page size + 1.
   */
  async listPage(
    filter: NotificationListFilter,
    afterSeq: string | null,
    limit: number,
  ): Promise<{ rows: NotificationRow[]; total: number }> {
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
    const pageConditions = afterSeq === null ? conditions : [...conditions, `n.seq < $${params.length + 1}`];
    const pageParams = afterSeq === null ? params : [...params, afterSeq];
    const pageWhere = pageConditions.length ? `WHERE ${pageConditions.join(' AND ')}` : '';
    const [rows, [{ n }]] = await Promise.all([
      this.dataSource.query(
        `SELECT ${COLUMNS} FROM alert_notifications n ${pageWhere} ORDER BY n.seq DESC LIMIT ${Number(limit)}`,
        pageParams,
      ) as Promise<NotificationRow[]>,
      this.dataSource.query(`SELECT count(*)::int AS n FROM alert_notifications n ${where}`, params) as Promise<Array<{ n: number }>>,
    ]);
    return { rows, total: n };
  }
}
