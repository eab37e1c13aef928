import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type ModelVersionStatus = 'ACTIVE' | 'CANDIDATE' | 'RETIRED';

@Entity({ name: 'model_versions' })
export class ModelVersionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text', unique: true })
  version: string;

  @Column({ type: 'text' })
  kind: 'artifact' | 'fallback';

  @Column({ type: 'text' })
  status: ModelVersionStatus;

  /** The full artifact (null for the rule-based fallback), so a candidate can be promoted later. */
  @Column({ type: 'jsonb', nullable: true })
  artifact: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  metrics: Record<string, unknown> | null;

  @Column({ name: 'retrain_required', type: 'boolean', default: false })
  retrainRequired: boolean;

  @Column({ name: 'retrain_reason', type: 'text', nullable: true })
  retrainReason: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'promoted_at', type: 'timestamptz', nullable: true })
  promotedAt: Date | null;

  @Column({ name: 'trained_by', type: 'text', nullable: true })
  trainedBy: string | null;

  @Column({ name: 'promoted_by', type: 'text', nullable: true })
  promotedBy: string | null;
}
