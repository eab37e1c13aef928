import type { AlertSnapshot } from '../alert.mapper';

/** Event type of the periodic Alertmanager re-send (not an alert event: no alert change happened). */
export const REFRESH_EVENT_TYPE = 'REFRESH';

/**
 * What one notification says, stored in `alert_notifications.payload` when the event is written,
 * so every retry (on any instance) sends the same facts. Receiver formats are rendered from it.
 */
export interface NotificationEnvelope {
  /** The alert event type (CREATED, UPDATED, ACKNOWLEDGED, RESOLVED, REOPENED, AUTO_RESOLVED) or REFRESH. */
  type: string;
  /** The `alert_events` id (a string: bigint). */
  eventId: string;
  occurredAt: string;
  actor: string;
  note: string | null;
  /** The severity before this event when the event changed it (Alertmanager ends the old label set). */
  previousSeverity: string | null;
  /** The alert as it was right after the event (same snapshot as `alert_events.details.alert`). */
  alert: AlertSnapshot;
}

/** The webhook request body: the envelope plus the notification's idempotency key as `id`. */
export function webhookBody(idempotencyKey: string, envelope: NotificationEnvelope): string {
  const { type, eventId, occurredAt, actor, note, previousSeverity, alert } = envelope;
  return JSON.stringify({ id: idempotencyKey, type, eventId, occurredAt, actor, note, previousSeverity, alert });
}
