import { AlertInputError } from './alerts.errors';
import { AlertChangedFilter } from './dto/alert-changed-filter.input';
import { AlertEventType } from './models/alert-enums';
import { AlertEvent } from './models/alert-event.model';

/**
 * The alertChanged filter, applied to the alert as it was right after each event (so a replay
 * filters exactly as the live feed did). A snoozed alert still records new occurrences, but its
 * UPDATED events are not pushed while the event time is before snoozedUntil; status changes
 * and the alert itself (queries) are never hidden.
 */
export function alertEventMatcher(filter: AlertChangedFilter | null | undefined): (event: AlertEvent) => boolean {
  return (event) => {
    const alert = event.alert;
    if (filter?.severity && alert.severity !== filter.severity) return false;
    if (filter?.status && alert.status !== filter.status) return false;
    if (filter?.feature && alert.feature !== filter.feature) return false;
    if (filter?.kind && alert.kind !== filter.kind) return false;
    const snoozed = alert.snoozedUntil !== null && event.occurredAt.getTime() < alert.snoozedUntil.getTime();
    return !(snoozed && event.type === AlertEventType.UPDATED);
  };
}

/** afterEventId: a non-negative integer event id (as received in AlertEvent.id). */
export function parseAfterEventId(value: string | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const id = /^\d{1,15}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(id)) throw new AlertInputError('afterEventId', 'must be an event id (a non-negative integer)');
  return id;
}
