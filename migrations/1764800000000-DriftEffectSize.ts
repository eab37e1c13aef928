import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The materiality gate's effect size per feature and report, as columns (issue 11, dashboard):
 * the noise-corrected Wasserstein distance in baseline SDs (numeric) or Jensen–Shannon distance
 * (discrete) and the gate it was compared with. They lived only in drift_reports.details (JSON
 * with histograms and ECDFs), so a trend chart would have had to unpack every report's details;
 * metricsHistory now reads them from the metric row like the other statistics.
 */
export class DriftEffectSize1764800000000 implements MigrationInterface {
  name = 'DriftEffectSize1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Nullable without a default: adding them rewrites nothing.
    await queryRunner.query(`
      ALTER TABLE feature_drift_metrics
        ADD COLUMN effect_size double precision,
        ADD COLUMN effect_threshold double precision`);
    // Reports written before this migration: copy what their details recorded.
    await queryRunner.query(`
      UPDATE feature_drift_metrics m
      SET effect_size = (d.value ->> 'effectSize')::double precision,
          effect_threshold = (d.value ->> 'effectThreshold')::double precision
      FROM drift_reports r, jsonb_array_elements(r.details -> 'features') AS d(value)
      WHERE r.id = m.drift_report_id AND d.value ->> 'feature' = m.feature`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE feature_drift_metrics DROP COLUMN effect_threshold, DROP COLUMN effect_size`);
  }
}
