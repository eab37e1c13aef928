import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AlertEventRow } from './alert.mapper';

/**
 * Runs one statement on a given connection and returns its rows. The default is the pool; the
 * alert listener passes its own LISTEN client, so its catch-up reads share that connection's
 * view and never wait for a pool slot.
 */
export type SqlRunner = (sql: string, params: unknown[]) => Promise<unknown[]>;

/** A new `alert_events` row; `details` already holds the alert snapshot. */
export interface NewAlertEvent {
  alertId: string;
  type: string;
  actor: string;
  note: string | null;
  details: Record<string, unknown>;
}

// Ordering and filtering name e.id (bigint): a bare "id" in ORDER BY would bind to the text
// output column and sort '10' before '9'.
const SELECT_EVENTS = `SELECT e.id::text AS id, e.alert_id, e.type, e.actor, e.note, e.details, e.occurred_at FROM alert_events e`;

/**
 * The only SQL on `alert_events`, the append-only alert event log (monotonic bigint ids; see
 * AlertEventWriter for the lock that makes ids visible in order).
 */
@Injectable()
export class AlertEventsRepository {
  private readonly pool: SqlRunner;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.pool = (sql, params) => dataSource.query(sql, params);
  }

  /** Appends one event in the caller's transaction; returns its id (bigint as text). */
  async insert(manager: EntityManager, event: NewAlertEvent): Promise<string> {
    return (await this.append(manager, event)).id;
  }

  /** As insert, with the event's occurred_at (the notification outbox copies it). */
  async append(manager: EntityManager, event: NewAlertEvent): Promise<{ id: string; occurredAt: Date }> {
    const rows: Array<{ id: string; occurred_at: Date }> = await manager.query(
      `INSERT INTO alert_events (alert_id, type, actor, note, details) VALUES ($1, $2, $3, $4, $5) RETURNING id::text AS id, occurred_at`,
      [event.alertId, event.type, event.actor, event.note, JSON.stringify(event.details)],
    );
    return { id: rows[0].id, occurredAt: rows[0].occurred_at };
  }

  /** Events after `afterId`, in id order: the replay and catch-up read of the event log. */
  async after(afterId: number, limit: number, run: SqlRunner = this.pool): Promise<AlertEventRow[]> {
    return (await run(`${SELECT_EVENTS} WHERE e.id > $1 ORDER BY e.id LIMIT $2`, [afterId, limit])) as AlertEventRow[];
  }

  /** One alert's history, oldest first, after an event id. */
  async forAlert(alertId: string, afterId: number, limit: number): Promise<AlertEventRow[]> {
    const rows = await this.pool(`${SELECT_EVENTS} WHERE e.alert_id = $1 AND e.id > $2 ORDER BY e.id LIMIT $3`, [alertId, afterId, limit]);
    return rows as AlertEventRow[];
  }

  async countForAlert(alertId: string): Promise<number> {
    const [row] = (await this.pool(`SELECT count(*)::int AS n FROM alert_events WHERE alert_id = $1`, [alertId])) as Array<{ n: number }>;
    return row.n;
  }

  /**
   * The latest event of every OPEN or ACKNOWLEDGED alert (its snapshot is the alert's current
   * state): what the Alertmanager refresh re-sends. Run under the event-log lock to keep it latest,
   * so it must stay cheap: one probe of alert_events_alert_latest (alert_id, id DESC) per live alert.
   * It joins `alerts` (the live ones) but returns event rows, so it lives with the event reads;
   * both tables belong to the alerts module, so the ownership check allows either repository.
   */
  async latestOfLiveAlerts(manager: EntityManager): Promise<AlertEventRow[]> {
    return (await manager.query(
      `SELECT e.id::text AS id, e.alert_id, e.type, e.actor, e.note, e.details, e.occurred_at
       FROM alerts a
       JOIN LATERAL (SELECT * FROM alert_events le WHERE le.alert_id = a.id ORDER BY le.id DESC LIMIT 1) e ON true
       WHERE a.status IN ('OPEN', 'ACKNOWLEDGED')
       ORDER BY e.id`,
    )) as AlertEventRow[];
  }

  /** The highest committed event id (0 for an empty log). */
  async maxId(run: SqlRunner = this.pool): Promise<number> {
    const [row] = (await run(`SELECT coalesce(max(id), 0)::text AS max FROM alert_events`, [])) as Array<{ max: string }>;
    return Number(row.max);
  }
}
