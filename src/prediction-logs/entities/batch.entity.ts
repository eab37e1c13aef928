import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export interface DataQualitySummary {
  rowCount: number;
  duplicateCustomerIds: number;
  duplicateRows: number;
  missingValues: number;
  invalidValues: number;
}

@Entity({ name: 'batches' })
export class BatchEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The caller's idempotency key (generated when the caller sends none). */
  @Column({ name: 'batch_id', type: 'text', unique: true })
  batchId: string;

  /** SHA-256 of the canonical request payload: same key + different payload is a CONFLICT. */
  @Column({ name: 'payload_hash', type: 'text' })
  payloadHash: string;

  @Column({ name: 'model_version', type: 'text' })
  modelVersion: string;

  @Column({ name: 'scored_with', type: 'text' })
  scoredWith: 'artifact' | 'fallback';

  @Column({ type: 'int' })
  size: number;

  @Column({ type: 'jsonb', nullable: true })
  metadata: Record<string, unknown> | null;

  @Column({ name: 'data_quality', type: 'jsonb' })
  dataQuality: DataQualitySummary;

  @Column({ type: 'jsonb' })
  warnings: string[];

  @Column({ name: 'labelled_count', type: 'int', default: 0 })
  labelledCount: number;

  @Column({ name: 'drift_report_id', type: 'uuid', nullable: true })
  driftReportId: string | null;

  @CreateDateColumn({ name: 'received_at', type: 'timestamptz' })
  receivedAt: Date;
}
