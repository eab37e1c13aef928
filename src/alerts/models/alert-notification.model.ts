import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum NotificationStatus {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  FAILED = 'FAILED',
}
registerEnumType(NotificationStatus, {
  name: 'NotificationStatus',
  description:
    'PENDING (queued or retrying) -> DELIVERED, or FAILED after ALERT_DELIVERY_MAX_ATTEMPTS attempts (retryAlertNotifications re-queues it)',
});

export enum NotificationReceiverKind {
  ALERTMANAGER = 'ALERTMANAGER',
  WEBHOOK = 'WEBHOOK',
}
registerEnumType(NotificationReceiverKind, { name: 'NotificationReceiverKind' });

@ObjectType({ description: 'One alert notification to one receiver (the alert-routing outbox) and its delivery state' })
export class AlertNotification {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  alertId: string;

  @Field(() => ID, { description: 'The alert event it announces (for REFRESH: the latest event when it was queued)' })
  alertEventId: string;

  @Field({ description: 'The alert event type, or REFRESH for the periodic Alertmanager re-send' })
  eventType: string;

  @Field(() => NotificationReceiverKind)
  receiverKind: NotificationReceiverKind;

  @Field({ description: 'Receiver as scheme and host, the path as a fingerprint (…<8 hex of its SHA-256>); never credentials' })
  receiver: string;

  @Field({ description: 'Sent as the Idempotency-Key header; the same on every retry and every instance' })
  idempotencyKey: string;

  @Field(() => NotificationStatus)
  status: NotificationStatus;

  @Field(() => Int, { description: 'Finished delivery attempts (an attempt cut short by a shutdown does not count)' })
  attempts: number;

  @Field({ description: 'When a PENDING notification is next due' })
  nextAttemptAt: Date;

  @Field(() => String, { nullable: true })
  lastError: string | null;

  @Field(() => Int, { nullable: true, description: 'HTTP status of the last attempt; null when no response arrived' })
  lastHttpStatus: number | null;

  @Field({ description: 'When the notification was first queued' })
  createdAt: Date;

  @Field({ description: 'When it was last queued: a REFRESH is re-queued every interval, a FAILED one by retryAlertNotifications' })
  queuedAt: Date;

  @Field(() => Date, { nullable: true })
  deliveredAt: Date | null;
}

@ObjectType({ description: 'What retryAlertNotifications re-queued' })
export class RetryAlertNotificationsResult {
  @Field(() => Int, { description: 'FAILED notifications now PENDING again, due at once with a fresh attempt budget' })
  requeued: number;

  @Field(() => Int, {
    description: 'FAILED Alertmanager notifications left as they are: a later notification of the same alert carries a newer state',
  })
  superseded: number;
}
