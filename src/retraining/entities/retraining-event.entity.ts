import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type RetrainingCause = 'DRIFT' | 'PERFORMANCE' | 'MANUAL';
export type RetrainingStatus = 'OPEN' | 'RESOLVED';

@Entity({ name: 'retraining_events' })
export class RetrainingEventEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'model_version', type: 'text' })
  modelVersion: string;

  /** One OPEN event per (model version, cause): partial unique index in the migration. */
  @Column({ type: 'text' })
  cause: RetrainingCause;

  @Column({ type: 'text' })
  status: RetrainingStatus;

  @Column({ type: 'text' })
  reason: string;

  @Column({ type: 'jsonb', nullable: true })
  details: Record<string, unknown> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;
}
