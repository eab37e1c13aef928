import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'feature_drift_metrics' })
@Index('feature_drift_metrics_report', ['driftReportId'])
@Index('feature_drift_metrics_feature_time', ['feature', 'createdAt'])
export class FeatureDriftMetricEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'drift_report_id', type: 'uuid' })
  driftReportId: string;

  @Column({ type: 'text' })
  feature: string;

  @Column({ name: 'feature_kind', type: 'text' })
  featureKind: string;

  /** The deciding statistic for this feature (ks, chi_square, psi). */
  @Column({ type: 'text' })
  method: string;

  @Column({ type: 'double precision', nullable: true })
  statistic: number | null;

  @Column({ name: 'p_value', type: 'double precision', nullable: true })
  pValue: number | null;

  @Column({ name: 'adjusted_p_value', type: 'double precision', nullable: true })
  adjustedPValue: number | null;

  @Column({ type: 'double precision', nullable: true })
  threshold: number | null;

  @Column({ type: 'double precision', nullable: true })
  psi: number | null;

  @Column({ name: 'ks_statistic', type: 'double precision', nullable: true })
  ksStatistic: number | null;

  @Column({ name: 'ks_p_value', type: 'double precision', nullable: true })
  ksPValue: number | null;

  @Column({ name: 'chi_square_statistic', type: 'double precision', nullable: true })
  chiSquareStatistic: number | null;

  @Column({ name: 'chi_square_p_value', type: 'double precision', nullable: true })
  chiSquarePValue: number | null;

  @Column({ type: 'double precision', nullable: true })
  wasserstein: number | null;

  @Column({ name: 'wasserstein_normalized', type: 'double precision', nullable: true })
  wassersteinNormalized: number | null;

  @Column({ name: 'jensen_shannon', type: 'double precision', nullable: true })
  jensenShannon: number | null;

  /** Noise-corrected effect size the materiality gate judged: Wasserstein in baseline SDs (numeric) or Jensen–Shannon distance (discrete). */
  @Column({ name: 'effect_size', type: 'double precision', nullable: true })
  effectSize: number | null;

  /** The gate effect_size was compared with when the report was made. */
  @Column({ name: 'effect_threshold', type: 'double precision', nullable: true })
  effectThreshold: number | null;

  @Column({ type: 'boolean' })
  drifted: boolean;

  @Column({ type: 'boolean' })
  evaluated: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
