import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Realized metrics (from joined outcomes) next to the label-free estimate, per batch or per
 * window, so users can see both and how far apart they are.
 */
@Entity({ name: 'performance_metrics' })
@Index('performance_metrics_batch', ['batchId'], { unique: true, where: 'batch_id IS NOT NULL' })
export class PerformanceMetricEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  scope: 'BATCH' | 'WINDOW';

  @Column({ name: 'batch_id', type: 'uuid', nullable: true })
  batchId: string | null;

  @Column({ name: 'model_version', type: 'text' })
  modelVersion: string;

  @Column({ name: 'window_start', type: 'timestamptz', nullable: true })
  windowStart: Date | null;

  @Column({ name: 'window_end', type: 'timestamptz', nullable: true })
  windowEnd: Date | null;

  /** The scheduled window's name (HOURLY, DAILY, ...) for WINDOW rows. */
  @Column({ name: 'window_kind', type: 'text', nullable: true })
  windowKind: string | null;

  @Column({ name: 'row_count', type: 'int' })
  rowCount: number;

  @Column({ name: 'labelled_count', type: 'int' })
  labelledCount: number;

  /** StoredRealized (performance-metrics.ts); null until the rows carry labels. */
  @Column({ type: 'jsonb', nullable: true })
  realized: Record<string, number | null> | null;

  /** StoredEstimate (performance-metrics.ts): the CBPE estimate, always present. */
  @Column({ type: 'jsonb', nullable: true })
  estimated: Record<string, number | null> | null;

  @Column({ name: 'computed_at', type: 'timestamptz', default: () => 'now()' })
  computedAt: Date;
}
