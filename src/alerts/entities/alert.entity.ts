import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type AlertStatus = 'OPEN' | 'ACKNOWLEDGED' | 'RESOLVED';
export type AlertSeverity = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

@Entity({ name: 'alerts' })
@Index('alerts_status_severity', ['status', 'severity'])
export class AlertEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** model version + rule + feature; unique among OPEN/ACKNOWLEDGED alerts (partial index). */
  @Column({ type: 'text' })
  fingerprint: string;

  @Column({ type: 'text' })
  kind: string;

  @Column({ type: 'text', nullable: true })
  feature: string | null;

  @Column({ name: 'model_version', type: 'text' })
  modelVersion: string;

  @Column({ type: 'text' })
  severity: AlertSeverity;

  @Column({ type: 'text' })
  status: AlertStatus;

  @Column({ type: 'text' })
  message: string;

  @Column({ type: 'int', default: 1 })
  occurrences: number;

  @Column({ name: 'worst_score', type: 'double precision', nullable: true })
  worstScore: number | null;

  @Column({ name: 'latest_drift_report_id', type: 'uuid', nullable: true })
  latestDriftReportId: string | null;

  @Column({ name: 'previous_alert_id', type: 'uuid', nullable: true })
  previousAlertId: string | null;

  @Column({ name: 'snoozed_until', type: 'timestamptz', nullable: true })
  snoozedUntil: Date | null;

  @Column({ name: 'clear_checks', type: 'int', default: 0 })
  clearChecks: number;

  @Column({ name: 'first_seen_at', type: 'timestamptz' })
  firstSeenAt: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt: Date;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
