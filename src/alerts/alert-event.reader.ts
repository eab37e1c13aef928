import { AlertEventRow, toAlertEvent } from './alert.mapper';
import { AlertEvent } from './models/alert-event.model';

/** Runs one SQL statement and returns its rows (a pool via DataSource, or the LISTEN client). */
export type RowQuery = (sql: string, params: unknown[]) => Promise<AlertEventRow[]>;

// Ordering and filtering name e.id (bigint): a bare "id" in ORDER BY would bind to the text
// output column and sort '10' before '9'.
const SELECT_EVENTS = `SELECT e.id::text AS id, e.alert_id, e.type, e.actor, e.note, e.details, e.occurred_at FROM alert_events e`;

/** Events after `afterId`, in id order: the replay and catch-up read of the event log. */
export async function fetchEventsAfter(query: RowQuery, afterId: number, limit: number): Promise<AlertEvent[]> {
  const rows = await query(`${SELECT_EVENTS} WHERE e.id > $1 ORDER BY e.id LIMIT $2`, [afterId, limit]);
  return rows.map(toAlertEvent);
}

/** One alert's history, oldest first, after an event id. */
export async function fetchAlertEvents(query: RowQuery, alertId: string, afterId: number, limit: number): Promise<AlertEvent[]> {
  const rows = await query(`${SELECT_EVENTS} WHERE e.alert_id = $1 AND e.id > $2 ORDER BY e.id LIMIT $3`, [alertId, afterId, limit]);
  return rows.map(toAlertEvent);
}
