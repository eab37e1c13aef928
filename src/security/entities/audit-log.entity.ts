import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Append-only record of who did what (a trigger refuses UPDATE and DELETE). */
@Entity({ name: 'audit_log' })
export class AuditLogEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'occurred_at', type: 'timestamptz', default: () => 'now()' })
  occurredAt: Date;

  @Column({ type: 'text' })
  principal: string;

  @Column({ name: 'principal_id', type: 'text', nullable: true })
  principalId: string | null;

  @Column({ type: 'text', nullable: true })
  role: string | null;

  @Column({ type: 'text' })
  action: string;

  @Column({ type: 'jsonb', default: () => `'{}'::jsonb` })
  target: Record<string, unknown>;

  @Column({ type: 'jsonb', default: () => `'{}'::jsonb` })
  summary: Record<string, unknown>;

  @Column({ type: 'text' })
  outcome: string;

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId: string | null;
}
