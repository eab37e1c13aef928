import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type DriftStatus = 'STABLE' | 'DRIFT' | 'INSUFFICIENT_DATA';
export type DriftReportKind = 'BATCH' | 'WINDOW';

@Entity({ name: 'drift_reports' })
@Index('drift_reports_created_at', ['createdAt'])
export class DriftReportEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  kind: DriftReportKind;

  @Column({ name: 'batch_id', type: 'uuid', nullable: true })
  batchId: string | null;

  @Column({ name: 'baseline_id', type: 'uuid', nullable: true })
  baselineId: string | null;

  @Column({ name: 'model_version', type: 'text' })
  modelVersion: string;

  @Column({ type: 'text' })
  status: DriftStatus;

  @Column({ name: 'global_score', type: 'double precision', nullable: true })
  globalScore: number | null;

  @Column({ name: 'drifted_share', type: 'double precision', nullable: true })
  driftedShare: number | null;

  @Column({ name: 'row_count', type: 'int' })
  rowCount: number;

  @Column({ name: 'window_kind', type: 'text', nullable: true })
  windowKind: string | null;

  @Column({ name: 'window_start', type: 'timestamptz', nullable: true })
  windowStart: Date | null;

  @Column({ name: 'window_end', type: 'timestamptz', nullable: true })
  windowEnd: Date | null;

  /** Binned histograms and ECDFs for the HTML report (never raw rows). */
  @Column({ type: 'jsonb', nullable: true })
  details: Record<string, unknown> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
