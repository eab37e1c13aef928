import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type AlertEventType = 'CREATED' | 'UPDATED' | 'ACKNOWLEDGED' | 'RESOLVED' | 'REOPENED' | 'AUTO_RESOLVED';

/** Append-only log of alert changes; its bigserial id is the resume cursor for subscriptions. */
@Entity({ name: 'alert_events' })
// (alert_id, id DESC): one alert's history, and its latest event (migration 1764700000000).
@Index('alert_events_alert_latest', ['alertId', 'id'])
export class AlertEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'alert_id', type: 'uuid' })
  alertId: string;

  @Column({ type: 'text' })
  type: AlertEventType;

  @Column({ type: 'text' })
  actor: string;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ type: 'jsonb', nullable: true })
  details: Record<string, unknown> | null;

  @Column({ name: 'occurred_at', type: 'timestamptz', default: () => 'now()' })
  occurredAt: Date;
}
