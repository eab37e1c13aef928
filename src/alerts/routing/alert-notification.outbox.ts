import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import type { AlertSnapshot } from '../alert.mapper';
import { AlertNotificationsRepository } from './alert-notifications.repository';
import { NotificationEnvelope } from './notification-payload';
import { configuredReceivers, eventIdempotencyKey, Receiver } from './receivers';

/** One appended alert event, as the outbox needs it. */
export interface OutboxEvent {
  eventId: string;
  occurredAt: Date;
  type: string;
  actor: string;
  note: string | null;
  alert: AlertSnapshot;
  previousSeverity: string | null;
}

/**
 * The write side of the transactional outbox: AlertEventWriter.append calls `enqueue` in the
 * event's transaction, so an event commits with its notifications or not at all (no event is
 * announced that never happened, and none is lost between two transactions). With no receiver
 * configured it writes nothing.
 */
@Injectable()
export class AlertNotificationOutbox {
  readonly receivers: readonly Receiver[];

  constructor(
    config: AppConfig,
    private readonly repository: AlertNotificationsRepository,
  ) {
    this.receivers = configuredReceivers(config.alertRouting);
  }

  async enqueue(manager: EntityManager, event: OutboxEvent): Promise<void> {
    if (!this.receivers.length) return;
    const payload: NotificationEnvelope = {
      type: event.type,
      eventId: event.eventId,
      occurredAt: event.occurredAt.toISOString(),
      actor: event.actor,
      note: event.note,
      previousSeverity: event.previousSeverity,
      alert: event.alert,
    };
    await this.repository.insertForEvent(
      manager,
      this.receivers.map((receiver) => ({
        alertEventId: event.eventId,
        alertId: String(event.alert.id),
        eventType: event.type,
        receiverKind: receiver.kind,
        receiverTarget: receiver.target,
        idempotencyKey: eventIdempotencyKey(event.eventId, receiver),
        payload,
      })),
    );
  }
}
