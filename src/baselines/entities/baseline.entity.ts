import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'baselines' })
export class BaselineEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'int', unique: true })
  version: number;

  @Column({ type: 'text' })
  name: string;

  /** Where the rows came from: a CSV path, "prediction_logs <from>..<to>", ... */
  @Column({ type: 'text' })
  source: string;

  @Column({ name: 'row_count', type: 'int' })
  rowCount: number;

  /** At most one active baseline (partial unique index in the migration). */
  @Column({ name: 'is_active', type: 'boolean', default: false })
  isActive: boolean;

  /** The precomputed per-feature profile the drift tests need, so checks never re-read the source. */
  @Column({ type: 'jsonb' })
  profile: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
