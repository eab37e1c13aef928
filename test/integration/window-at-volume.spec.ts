import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { BaselinesService } from '../../src/baselines/baselines.service';
import { checkDrift } from '../../src/drift-engine/check';
import { FEATURE_CSV_COLUMNS, FEATURE_NAMES, toColumns } from '../../src/model/features';
import { loadScorer } from '../../src/model/scorer';
import { PredictionLogsRepository } from '../../src/prediction-logs/prediction-logs.repository';
import { ScoringService } from '../../src/scoring/scoring.service';
import { ingestMutation } from '../support/applications';
import { generatedCsvFolder, generatedRecords } from '../support/generated-data';
import { startHealthPoller } from '../support/health-poller';
import { useServices } from '../support/services';

jest.setTimeout(600_000);

/**
 * Window checks at volume (issue 12): every row of a window counts, nothing is loaded into Node,
 * and the instance keeps answering while the check runs. Two million rows are written straight
 * into prediction_logs by SQL (the ingest path would take minutes here): they have no stored
 * batch profile, so the check bins them in PostgreSQL; the stored-profile path is covered by the
 * ingested batches below.
 */
const RUN = `mutation($input: RunDriftCheckInput!) { runDriftCheck(input: $input) {
  acquired checkedModelVersions
  reports { id status rowCount modelVersion features {
    feature kind evaluated drifted psi jensenShannon wasserstein ks { statistic pValue }
    binning { bins ksErrorBound wassersteinErrorBound } } } } }`;
const WINDOWS = JSON.stringify([
  { kind: 'HOURLY', cron: '*/15 * * * *', lengthMinutes: 60, alignMinutes: 60 },
  { kind: 'DAILY', cron: '0 0 * * *', lengthMinutes: 1440, alignMinutes: 1440 },
]);

/** The old per-window cap was 500,000 rows: this window holds four times as many. */
const SAMPLE_ROWS = 10_000;
const REPEATS = 200;
const WINDOW_ROWS = SAMPLE_ROWS * REPEATS;

interface Feature {
  feature: string;
  kind: string;
  evaluated: boolean;
  psi: number | null;
  jensenShannon: number | null;
  wasserstein: number | null;
  ks: { statistic: number; pValue: number } | null;
  binning: { bins: number; ksErrorBound: number; wassersteinErrorBound: number } | null;
}
interface Report {
  id: string;
  status: string;
  rowCount: number;
  modelVersion: string;
  features: Feature[];
}

describe('window checks at any volume (real PostgreSQL)', () => {
  const data = generatedCsvFolder(4_000, 1201);
  const group = useServices(1, {
    BASELINE_DATA_DIR: data.dir,
    BASELINE_SEED_PATH: join(data.dir, data.file),
    MONITORING_DRIFT_WINDOWS: WINDOWS,
  });
  const hour = new Date('2033-03-03T10:00:00Z');
  // The active model's version: the prediction column is then part of the check as well.
  let modelVersion = '';
  // Drifted on purpose (larger loans), so the binned and exact statistics are far from zero.
  const sample = toColumns(generatedRecords(SAMPLE_ROWS, 1202, 'larger_loans', 0.3) as never);
  const probabilities = loadScorer('artifacts/model.json').scorer.score(sample);

  beforeAll(async () => {
    modelVersion = (await group.services[0].app.get(ScoringService).activeScorer()).modelVersion;
    // The sample repeated REPEATS times: the window's ECDF is exactly the sample's, so exact
    // statistics of the two million rows can be computed on the 10,000-row sample.
    const arrays = FEATURE_NAMES.map((name) => Array.from(sample[name]));
    const columns = FEATURE_NAMES.map((name) => FEATURE_CSV_COLUMNS[name]);
    // One batch record (no stored profile: the check bins its rows in PostgreSQL), its rows at its
    // commit time as the service writes them.
    const batchUuid = randomUUID();
    const committedAt = new Date(hour.getTime() + 60_000);
    await group.sql.query(
      `INSERT INTO batches (id, batch_id, payload_hash, model_version, scored_with, size, data_quality, warnings, labelled_count, received_at)
       VALUES ($1, $2, 'sql', $3, 'artifact', $4, '{}'::jsonb, '[]'::jsonb, 0, $5)`,
      [batchUuid, `volume-${batchUuid}`, modelVersion, WINDOW_ROWS, committedAt],
    );
    await group.sql.query(
      `INSERT INTO prediction_logs (batch_id, row_index, customer_id, ${columns.join(', ')}, probability, risk_label, model_version, scored_with, created_at)
       SELECT $1::uuid, g, 'volume-' || g, ${columns.map((c) => (c === 'age' || c.startsWith('num_') || c.startsWith('delinquency') ? `s.${c}::int` : `s.${c}`)).join(', ')},
              s.probability, 'LOW', $2, 'artifact', $3::timestamptz
       FROM generate_series(0, $4::int - 1) AS g
       JOIN unnest(${columns.map((_, i) => `$${i + 6}::float8[]`).join(', ')}, $5::float8[]) WITH ORDINALITY AS s(${columns.join(', ')}, probability, i)
         ON s.i = g % ${SAMPLE_ROWS} + 1`,
      [batchUuid, modelVersion, committedAt, WINDOW_ROWS, Array.from(probabilities), ...arrays],
    );
  });

  async function runCheck(window: string, windowEnd: Date): Promise<Report> {
    const response = await group.services[0].gql<{ runDriftCheck: { reports: Report[] } }>(RUN, {
      input: { window, windowEnd: windowEnd.toISOString() },
    });
    expect(response.errors).toBeUndefined();
    const report = response.data!.runDriftCheck.reports.find((r) => r.modelVersion === modelVersion);
    expect(report).toBeDefined();
    return report!;
  }

  it('counts every row of a 2,000,000-row window, within the documented bounds of the exact statistics, and keeps answering /health meanwhile', async () => {
    const poller = startHealthPoller(group.services[0].url, { pauseMs: 5 });
    await poller.firstAnswer;
    const started = performance.now();
    const report = await runCheck('HOURLY', new Date(hour.getTime() + 3_600_000));
    const finished = performance.now();
    await poller.stop();
    expect(poller.arrivedBetween(started, finished).length).toBeGreaterThanOrEqual(3);
    expect(report.rowCount).toBe(WINDOW_ROWS);

    const baseline = (await group.services[0].app.get(BaselinesService).active())!;
    const exact = checkDrift(baseline.profile, { ...sample, prediction: probabilities });
    expect(report.status).toBe(exact.status);
    let numeric = 0;
    for (const expected of exact.features) {
      const got = report.features.find((f) => f.feature === expected.feature)!;
      expect({ feature: got.feature, evaluated: got.evaluated }).toEqual({ feature: expected.feature, evaluated: true });
      // PSI and Jensen–Shannon are exact on binned data (their bins are unions of grid bins).
      expect(got.psi).toBeCloseTo(expected.psi!, 9);
      expect(got.jensenShannon).toBeCloseTo(expected.jensenShannon!, 9);
      if (expected.kind !== 'numeric') continue;
      numeric++;
      const bounds = got.binning!;
      // 0 for a feature whose values all sit on the grid's edges (ties): then binned KS and W1 are exact.
      expect(bounds.ksErrorBound).toBeGreaterThanOrEqual(0);
      // D_binned ≤ D ≤ D_binned + bound; |W_binned − W| ≤ bound.
      expect(got.ks!.statistic).toBeLessThanOrEqual(expected.ks!.statistic + 1e-12);
      expect(expected.ks!.statistic - got.ks!.statistic).toBeLessThanOrEqual(bounds.ksErrorBound + 1e-12);
      expect(Math.abs(got.wasserstein! - expected.wasserstein!)).toBeLessThanOrEqual(bounds.wassersteinErrorBound + 1e-9);
    }
    // Six numeric features, the prediction and the multivariate column (its errors binned like any numeric column).
    expect(numeric).toBe(8);
    expect(report.features.find((f) => f.feature === 'loanAmount')).toMatchObject({ drifted: true });
  });

  it('builds a baseline from the 2,000,000 logged rows in PostgreSQL; the same window judged against it is stable', async () => {
    const service = group.services[0];
    const before = (await service.app.get(BaselinesService).active())!.version;
    try {
      const response = await service.gql<{ reinitializeBaseline: { version: number; rowCount: number } }>(
        `mutation($input: ReinitializeBaselineInput!) { reinitializeBaseline(input: $input) { version rowCount } }`,
        { input: { source: 'PREDICTION_LOGS', from: hour.toISOString(), to: new Date(hour.getTime() + 3_600_000).toISOString() } },
      );
      expect(response.errors).toBeUndefined();
      expect(response.data!.reinitializeBaseline.rowCount).toBe(WINDOW_ROWS);
      const baseline = (await service.app.get(BaselinesService).active())!;
      // The sample repeated: its order statistics are the sample's, up to where positions fall.
      const sorted = Float64Array.from(sample.loanAmount).sort();
      const median = baseline.profile.columns.loanAmount.quantiles.find((q) => q.p === 0.5)!.value;
      expect(median).toBeGreaterThanOrEqual(sorted[SAMPLE_ROWS / 2 - 1]);
      expect(median).toBeLessThanOrEqual(sorted[SAMPLE_ROWS / 2]);
      const report = await runCheck('DAILY', new Date(Date.UTC(2033, 2, 4)));
      expect(report.rowCount).toBe(WINDOW_ROWS);
      expect(report.status).toBe('STABLE');
      for (const feature of report.features)
        expect({ feature: feature.feature, ks: feature.ks?.statistic ?? 0 }).toEqual({ feature: feature.feature, ks: 0 });
    } finally {
      // The other tests judge against the seed baseline, whatever order they run in.
      const restored = await service.gql(`mutation($input: ActivateBaselineInput!) { activateBaseline(input: $input) { version } }`, {
        input: { version: before },
      });
      expect(restored.errors).toBeUndefined();
    }
  });

  it('merges the stored profiles of ingested batches into the same report as binning their rows in PostgreSQL', async () => {
    const service = group.services[0];
    const ids: string[] = [];
    let scoredBy = '';
    for (let i = 0; i < 3; i++) {
      const batchId = `volume-ingest-${randomUUID()}`;
      ids.push(batchId);
      const response = await service.gql<{ ingestBatch: { modelVersion: string } }>(ingestMutation('batchId modelVersion'), {
        input: { batchId, records: generatedRecords(700, 1210 + i) },
      });
      expect(response.errors).toBeUndefined();
      scoredBy = response.data!.ingestBatch.modelVersion;
    }
    const batchRows = `SELECT id FROM batches WHERE batch_id = ANY($1)`;
    expect((await group.sql.query(`SELECT count(*)::int AS n FROM batch_profiles WHERE batch_id IN (${batchRows})`, [ids])).rows[0].n).toBe(
      3,
    );
    // Whole batches moved into an hour of their own: their stored profiles still describe them.
    const target = new Date('2034-05-05T07:00:00Z');
    await group.sql.query(`UPDATE batches SET received_at = $2 WHERE batch_id = ANY($1)`, [ids, target]);
    const run = async (window: string, end: Date): Promise<Report> => {
      const response = await service.gql<{ runDriftCheck: { reports: Report[] } }>(RUN, {
        input: { window, windowEnd: end.toISOString() },
      });
      expect(response.errors).toBeUndefined();
      return response.data!.runDriftCheck.reports.find((r) => r.modelVersion === scoredBy)!;
    };
    const binInDatabase = jest.spyOn(service.app.get(PredictionLogsRepository), 'pushDownBins');
    const fromProfiles = await run('HOURLY', new Date(target.getTime() + 3_600_000));
    expect(fromProfiles.rowCount).toBe(2_100);
    // Every batch had its profile: no row was read.
    expect(binInDatabase).not.toHaveBeenCalled();

    // Without their profiles the same rows are binned by PostgreSQL: the same statistics.
    await group.sql.query(`DELETE FROM batch_profiles WHERE batch_id IN (${batchRows})`, [ids]);
    const rebinned = await run('DAILY', new Date(Date.UTC(2034, 4, 6)));
    expect(binInDatabase).toHaveBeenCalledTimes(1);
    binInDatabase.mockRestore();
    expect(rebinned.rowCount).toBe(2_100);
    expect(rebinned.status).toBe(fromProfiles.status);
    for (const feature of fromProfiles.features) {
      const other = rebinned.features.find((f) => f.feature === feature.feature)!;
      expect(other.psi).toBeCloseTo(feature.psi!, 9);
      expect(other.ks?.statistic ?? 0).toBeCloseTo(feature.ks?.statistic ?? 0, 12);
      expect(other.wasserstein ?? 0).toBeCloseTo(feature.wasserstein ?? 0, 9);
    }
  });
});
