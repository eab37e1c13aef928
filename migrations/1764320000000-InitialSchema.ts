import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whole first schema, reviewed SQL. prediction_logs is the big table: its indexes serve the
 * queries the service runs (a batch's rows in order, a customer's outcomes, time windows).
 */
export class InitialSchema1764320000000 implements MigrationInterface {
  name = 'InitialSchema1764320000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE model_versions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        version text NOT NULL UNIQUE,
        kind text NOT NULL CHECK (kind IN ('artifact', 'fallback')),
        status text NOT NULL CHECK (status IN ('ACTIVE', 'CANDIDATE', 'RETIRED')),
        artifact jsonb,
        metrics jsonb,
        retrain_required boolean NOT NULL DEFAULT false,
        retrain_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        promoted_at timestamptz
      )`);

    await queryRunner.query(`
      CREATE TABLE baselines (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        version integer NOT NULL UNIQUE,
        name text NOT NULL,
        source text NOT NULL,
        row_count integer NOT NULL CHECK (row_count > 0),
        is_active boolean NOT NULL DEFAULT false,
        profile jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX baselines_one_active ON baselines (is_active) WHERE is_active`);

    await queryRunner.query(`
      CREATE TABLE batches (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        batch_id text NOT NULL UNIQUE,
        payload_hash text NOT NULL,
        model_version text NOT NULL,
        scored_with text NOT NULL CHECK (scored_with IN ('artifact', 'fallback')),
        size integer NOT NULL CHECK (size > 0),
        metadata jsonb,
        data_quality jsonb NOT NULL,
        warnings jsonb NOT NULL DEFAULT '[]'::jsonb,
        labelled_count integer NOT NULL DEFAULT 0,
        drift_report_id uuid,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX batches_received_at ON batches (received_at, id)`);

    await queryRunner.query(`
      CREATE TABLE prediction_logs (
        id bigserial PRIMARY KEY,
        batch_id uuid NOT NULL REFERENCES batches (id) ON DELETE CASCADE,
        row_index integer NOT NULL,
        customer_id text NOT NULL,
        age integer NOT NULL,
        annual_income double precision NOT NULL,
        debt_to_income double precision NOT NULL,
        credit_utilization double precision NOT NULL,
        num_open_accounts integer NOT NULL,
        delinquency_count integer NOT NULL,
        loan_amount double precision NOT NULL,
        employment_years double precision NOT NULL,
        probability double precision NOT NULL,
        risk_label text NOT NULL,
        model_version text NOT NULL,
        scored_with text NOT NULL,
        actual_default boolean,
        outcome_observed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX prediction_logs_batch_row ON prediction_logs (batch_id, row_index)`);
    await queryRunner.query(`CREATE INDEX prediction_logs_customer ON prediction_logs (customer_id)`);
    await queryRunner.query(`CREATE INDEX prediction_logs_created_at ON prediction_logs (created_at)`);

    await queryRunner.query(`
      CREATE TABLE drift_reports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL CHECK (kind IN ('BATCH', 'WINDOW')),
        batch_id uuid REFERENCES batches (id) ON DELETE CASCADE,
        baseline_id uuid REFERENCES baselines (id),
        model_version text NOT NULL,
        status text NOT NULL CHECK (status IN ('STABLE', 'DRIFT', 'INSUFFICIENT_DATA')),
        global_score double precision,
        drifted_share double precision,
        row_count integer NOT NULL,
        window_kind text,
        window_start timestamptz,
        window_end timestamptz,
        details jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX drift_reports_created_at ON drift_reports (created_at, id)`);
    // A scheduled window check runs once per (model, window kind, window end), whatever the
    // number of instances: the unique index makes a double run a no-op.
    await queryRunner.query(
      `CREATE UNIQUE INDEX drift_reports_window_once ON drift_reports (model_version, window_kind, window_end) WHERE kind = 'WINDOW'`,
    );
    await queryRunner.query(
      `ALTER TABLE batches ADD CONSTRAINT batches_drift_report_fk FOREIGN KEY (drift_report_id) REFERENCES drift_reports (id) DEFERRABLE INITIALLY DEFERRED`,
    );

    await queryRunner.query(`
      CREATE TABLE feature_drift_metrics (
        id bigserial PRIMARY KEY,
        drift_report_id uuid NOT NULL REFERENCES drift_reports (id) ON DELETE CASCADE,
        feature text NOT NULL,
        feature_kind text NOT NULL,
        method text NOT NULL,
        statistic double precision,
        p_value double precision,
        adjusted_p_value double precision,
        threshold double precision,
        psi double precision,
        ks_statistic double precision,
        ks_p_value double precision,
        chi_square_statistic double precision,
        chi_square_p_value double precision,
        wasserstein double precision,
        wasserstein_normalized double precision,
        jensen_shannon double precision,
        drifted boolean NOT NULL,
        evaluated boolean NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX feature_drift_metrics_report ON feature_drift_metrics (drift_report_id)`);
    await queryRunner.query(`CREATE INDEX feature_drift_metrics_feature_time ON feature_drift_metrics (feature, created_at)`);

    await queryRunner.query(`
      CREATE TABLE performance_metrics (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        scope text NOT NULL CHECK (scope IN ('BATCH', 'WINDOW')),
        batch_id uuid REFERENCES batches (id) ON DELETE CASCADE,
        model_version text NOT NULL,
        window_start timestamptz,
        window_end timestamptz,
        row_count integer NOT NULL,
        labelled_count integer NOT NULL,
        realized jsonb,
        estimated jsonb,
        computed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX performance_metrics_batch ON performance_metrics (batch_id) WHERE batch_id IS NOT NULL`);

    await queryRunner.query(`
      CREATE TABLE alerts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        fingerprint text NOT NULL,
        kind text NOT NULL,
        feature text,
        model_version text NOT NULL,
        severity text NOT NULL CHECK (severity IN ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL')),
        status text NOT NULL CHECK (status IN ('OPEN', 'ACKNOWLEDGED', 'RESOLVED')),
        message text NOT NULL,
        occurrences integer NOT NULL DEFAULT 1,
        worst_score double precision,
        latest_drift_report_id uuid REFERENCES drift_reports (id) ON DELETE SET NULL,
        previous_alert_id uuid REFERENCES alerts (id),
        snoozed_until timestamptz,
        clear_checks integer NOT NULL DEFAULT 0,
        first_seen_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        resolved_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Deduplication: at most one live (OPEN or ACKNOWLEDGED) alert per fingerprint.
    await queryRunner.query(`CREATE UNIQUE INDEX alerts_live_fingerprint ON alerts (fingerprint) WHERE status IN ('OPEN', 'ACKNOWLEDGED')`);
    await queryRunner.query(`CREATE INDEX alerts_status_severity ON alerts (status, severity)`);
    await queryRunner.query(`CREATE INDEX alerts_created_at ON alerts (created_at, id)`);

    await queryRunner.query(`
      CREATE TABLE alert_events (
        id bigserial PRIMARY KEY,
        alert_id uuid NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
        type text NOT NULL CHECK (type IN ('CREATED', 'UPDATED', 'ACKNOWLEDGED', 'RESOLVED', 'REOPENED', 'AUTO_RESOLVED')),
        actor text NOT NULL,
        note text,
        details jsonb,
        occurred_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX alert_events_alert ON alert_events (alert_id)`);

    await queryRunner.query(`
      CREATE TABLE retraining_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        model_version text NOT NULL,
        cause text NOT NULL CHECK (cause IN ('DRIFT', 'PERFORMANCE', 'MANUAL')),
        status text NOT NULL CHECK (status IN ('OPEN', 'RESOLVED')),
        reason text NOT NULL,
        details jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        resolved_at timestamptz
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX retraining_events_one_open ON retraining_events (model_version, cause) WHERE status = 'OPEN'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS retraining_events`);
    await queryRunner.query(`DROP TABLE IF EXISTS alert_events`);
    await queryRunner.query(`DROP TABLE IF EXISTS alerts`);
    await queryRunner.query(`DROP TABLE IF EXISTS performance_metrics`);
    await queryRunner.query(`DROP TABLE IF EXISTS feature_drift_metrics`);
    await queryRunner.query(`ALTER TABLE IF EXISTS batches DROP CONSTRAINT IF EXISTS batches_drift_report_fk`);
    await queryRunner.query(`DROP TABLE IF EXISTS drift_reports`);
    await queryRunner.query(`DROP TABLE IF EXISTS prediction_logs`);
    await queryRunner.query(`DROP TABLE IF EXISTS batches`);
    await queryRunner.query(`DROP TABLE IF EXISTS baselines`);
    await queryRunner.query(`DROP TABLE IF EXISTS model_versions`);
  }
}
