import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { LOCK_KEYS, lockForTransaction } from '../database/advisory-locks';
import { toSnapshot } from './alert.mapper';
import { AlertEventsRepository } from './alert-events.repository';
import { Alert } from './models/alert.model';
import { AlertEventType } from './models/alert-enums';
import { AlertNotificationOutbox } from './routing/alert-notification.outbox';

/** NOTIFY channel; the payload is only the event id (NOTIFY payloads are capped at 8000 bytes). */
export const ALERT_EVENTS_CHANNEL = 'alert_events';

/**
 * Transaction-scoped advisory lock held by every transaction that appends alert events, from
 * before it touches an alert row until COMMIT/ROLLBACK. Two guarantees follow:
 *  - event ids become visible in id order: an id is drawn from the sequence only while holding
 *    the lock, and the lock is released after the previous holder's commit is visible, so
 *    "all events with id > last seen" never skips one that commits later than a larger id;
 *  - alert rows are always locked after this one lock, so alert writers cannot deadlock.
 * The cost is that alert-writing transactions serialize their tail (alerts are low volume).
 * The key is LOCK_KEYS.alertEvents (src/database/advisory-locks.ts).
 */

export interface AppendedEvent {
  id: string;
}

@Injectable()
export class AlertEventWriter {
  constructor(
    private readonly repository: AlertEventsRepository,
    private readonly outbox: AlertNotificationOutbox,
  ) {}

  async lock(manager: EntityManager): Promise<void> {
    if (!manager.queryRunner?.isTransactionActive) {
      // Outside a transaction the lock would be released at once and the event and its change
      // could commit separately: refuse rather than silently lose the guarantees.
      throw new Error('alert changes must run inside a transaction (dataSource.transaction(manager => ...))');
    }
    await lockForTransaction(manager, LOCK_KEYS.alertEvents);
  }

  /**
   * Appends one event for `alert` (its state right after the change), one outbox row per
   * configured receiver (alert routing), and queues the NOTIFY, all in the same transaction:
   * PostgreSQL delivers the NOTIFY on COMMIT only, and the event and its notifications commit or
   * roll back together. `details.previousSeverity` (set when an occurrence raised the severity)
   * is passed on to the notifications.
   */
  async append(
    manager: EntityManager,
    alert: Alert,
    type: AlertEventType,
    actor: string,
    note: string | null,
    details: Record<string, unknown>,
  ): Promise<AppendedEvent> {
    const snapshot = { ...details, alert: toSnapshot(alert) };
    const { id, occurredAt } = await this.repository.append(manager, { alertId: alert.id, type, actor, note, details: snapshot });
    const previousSeverity = typeof details.previousSeverity === 'string' ? details.previousSeverity : null;
    await this.outbox.enqueue(manager, { eventId: id, occurredAt, type, actor, note, alert: snapshot.alert, previousSeverity });
    // The NOTIFY is queued right after the insert in the same transaction; its payload is only the id.
    await manager.query(`SELECT pg_notify($1, $2)`, [ALERT_EVENTS_CHANNEL, id]);
    return { id };
  }
}
