import { AlertEventRow, toAlertEvent } from './alert.mapper';
import { AlertEvent } from './models/alert-event.model';

/** Runs one SQL statement and returns its rows (a pool via DataSource, or the LISTEN client). */
export type RowQuery = (sql: string, params: unknown[]) => Promise<AlertEventRow[]>;

const SELECT_EVENTS = `SELECT id::text AS id, alert_id, type, actor, note, details, occurred_at FROM alert_events`;

/** Events after `afterId`, in id order: the replay and catch-up read of the event log. */
export async function fetchEventsAfter(query: RowQuery, afterId: number, limit: number): Promise<AlertEvent[]> {
  const rows = await query(`${SELECT_EVENTS} WHERE id > $1 ORDER BY id LIMIT $2`, [afterId, limit]);
  return rows.map(toAlertEvent);
}

/** One alert's history, oldest first, after an event id. */
export async function fetchAlertEvents(query: RowQuery, alertId: string, afterId: number, limit: number): Promise<AlertEvent[]> {
  const rows = await query(`${SELECT_EVENTS} WHERE alert_id = $1 AND id > $2 ORDER BY id LIMIT $3`, [alertId, afterId, limit]);
  return rows.map(toAlertEvent);
}
