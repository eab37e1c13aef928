import { Column, Entity, Generated, Index, PrimaryGeneratedColumn } from 'typeorm';

export type NotificationStatus = 'PENDING' | 'DELIVERED' | 'FAILED';
export type ReceiverKind = 'ALERTMANAGER' | 'WEBHOOK';

/**
 * The alert-notification outbox: one row per alert event and receiver, written in the event's
 * transaction (migration 1764700000000). Delivery state lives here, so it survives restarts.
 */
@Entity({ name: 'alert_notifications' })
@Index('alert_notifications_event', ['alertEventId'])
export class AlertNotificationEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Insertion order (bigserial, never changed): the list order and its cursor. */
  @Column({ type: 'bigint', unique: true })
  @Generated('increment')
  seq: string;

  @Column({ name: 'alert_event_id', type: 'bigint' })
  alertEventId: string;

  @Column({ name: 'alert_id', type: 'uuid' })
  alertId: string;

  /** The alert event's type, or REFRESH for a periodic Alertmanager re-send. */
  @Column({ name: 'event_type', type: 'text' })
  eventType: string;

  @Column({ name: 'receiver_kind', type: 'text' })
  receiverKind: ReceiverKind;

  @Column({ name: 'receiver_target', type: 'text' })
  receiverTarget: string;

  @Column({ name: 'idempotency_key', type: 'text', unique: true })
  idempotencyKey: string;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @Column({ type: 'text', default: 'PENDING' })
  status: NotificationStatus;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt: Date;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'last_http_status', type: 'int', nullable: true })
  lastHttpStatus: number | null;

  @Column({ name: 'leased_by', type: 'text', nullable: true })
  leasedBy: string | null;

  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true })
  leaseUntil: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  /** When it was last queued: a REFRESH row is re-queued every interval, a retried FAILED row on retry. */
  @Column({ name: 'queued_at', type: 'timestamptz', default: () => 'now()' })
  queuedAt: Date;

  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt: Date | null;
}
