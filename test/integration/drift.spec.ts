import { join } from 'node:path';
import { countGrades } from '../../src/drift-engine/grade-distribution';
import { parseMasterScale } from '../../src/model/master-scale';
import { ingestMutation } from '../support/applications';
import { generatedCsvFolder, generatedRecords } from '../support/generated-data';
import { TestService } from '../support/service';
import { useServiceFixture } from '../support/service-fixture';
import { withServices } from '../support/services';

const INGEST = ingestMutation(`batchId drift { id kind status globalScore driftedShare rowCount baselineVersion reportUrl
    features { feature kind method statistic pValue adjustedPValue threshold psi ks { statistic pValue } chiSquare { statistic pValue }
               wasserstein wassersteinNormalized jensenShannon effectSize drifted evaluated reason }
    scoreShift { total contributions { feature contribution share baselineMean currentMean } } }`);

interface Feature {
  feature: string;
  kind: string;
  method: string;
  drifted: boolean;
  evaluated: boolean;
  psi: number | null;
  ks: { statistic: number; pValue: number } | null;
  chiSquare: { statistic: number; pValue: number } | null;
  wasserstein: number | null;
  jensenShannon: number | null;
}
interface Drift {
  id: string;
  status: string;
  rowCount: number;
  baselineVersion: number;
  reportUrl: string;
  features: Feature[];
  scoreShift: {
    total: number;
    contributions: Array<{ feature: string; contribution: number; share: number; baselineMean: number; currentMean: number }>;
  } | null;
}

async function ingestOn(service: TestService, batchId: string, records: Array<Record<string, unknown>>): Promise<Drift> {
  const response = await service.gql<{ ingestBatch: { drift: Drift } }>(INGEST, { input: { batchId, records } });
  expect(response.errors).toBeUndefined();
  return response.data!.ingestBatch.drift;
}

describe('drift checks, reports and baselines (real PostgreSQL)', () => {
  const data = generatedCsvFolder(4_000, 101);
  const env = () => ({ BASELINE_DATA_DIR: data.dir, BASELINE_SEED_PATH: join(data.dir, data.file) });

  const ingest = (batchId: string, records: Array<Record<string, unknown>>): Promise<Drift> => ingestOn(fixture.service, batchId, records);

  // Tests that list every report or change the active baseline run on a database of their own
  // (withServices); the rest share this one and read only what they wrote.
  const fixture = useServiceFixture(env);

  it('creates baseline v1 from the seed file on first start', async () => {
    const response = await fixture.service.gql<{
      activeBaseline: { version: number; rowCount: number; isActive: boolean; source: string };
    }>(`{ activeBaseline { version rowCount isActive source } }`);
    expect(response.data!.activeBaseline).toEqual({ version: 1, rowCount: 4_000, isActive: true, source: 'csv:baseline.csv' });
  });

  it('a batch from the baseline distribution is STABLE, with every statistic per feature and for predictions', async () => {
    const drift = await ingest('healthy-1', generatedRecords(1_000, 7));
    expect(drift.status).toBe('STABLE');
    expect(drift.rowCount).toBe(1_000);
    expect(drift.baselineVersion).toBe(1);
    expect(drift.features.map((f) => f.feature).sort()).toEqual(
      [
        'age',
        'annualIncome',
        'creditUtilization',
        'debtToIncome',
        'delinquencyCount',
        'employmentYears',
        'loanAmount',
        'multivariate',
        'numOpenAccounts',
        'prediction',
      ].sort(),
    );
    for (const f of drift.features) {
      expect(f.evaluated).toBe(true);
      expect(f.psi).not.toBeNull();
      expect(f.jensenShannon).not.toBeNull();
      if (f.kind === 'numeric') {
        expect(f.ks).not.toBeNull();
        expect(f.wasserstein).not.toBeNull();
      } else {
        expect(f.chiSquare).not.toBeNull();
      }
    }
    const stored = await fixture.sql.query(`SELECT count(*)::int AS n FROM feature_drift_metrics WHERE drift_report_id = $1`, [drift.id]);
    expect(stored.rows[0].n).toBe(10);
  });

  it('a broken income–loan relation (marginals unchanged) is DRIFT in the multivariate column, and the score shift is decomposed', async () => {
    const drift = await ingest('decoupled-1', generatedRecords(500, 11, 'loan_income_decoupled'));
    expect(drift.status).toBe('DRIFT');
    const multivariate = drift.features.find((f) => f.feature === 'multivariate')!;
    expect(multivariate).toMatchObject({ kind: 'numeric', method: 'ks', evaluated: true, drifted: true });
    expect(drift.features.filter((f) => f.drifted && f.feature !== 'multivariate' && f.feature !== 'prediction')).toEqual([]);
    const shift = drift.scoreShift!;
    expect(shift.contributions).toHaveLength(8);
    expect(Math.abs(shift.contributions.reduce((s, c) => s + c.contribution, 0) - shift.total)).toBeLessThanOrEqual(1e-9);
    // Stored with the report: driftReport serves the same decomposition and the multivariate row.
    const served = await fixture.service.gql<{ driftReport: Pick<Drift, 'scoreShift' | 'features'> }>(
      `query($id: ID!) { driftReport(id: $id) { scoreShift { total contributions { feature contribution share baselineMean currentMean } }
         features { feature drifted evaluated } } }`,
      { id: drift.id },
    );
    expect(served.data!.driftReport.scoreShift).toEqual(shift);
    expect(served.data!.driftReport.features.find((f) => f.feature === 'multivariate')).toEqual({
      feature: 'multivariate',
      drifted: true,
      evaluated: true,
    });
  });

  it('higher credit utilization moves the scores up, mostly through creditUtilization', async () => {
    const drift = await ingest('utilization-shift-1', generatedRecords(2_000, 12, 'higher_utilization', 0.1));
    expect(drift.scoreShift!.contributions[0]).toMatchObject({ feature: 'creditUtilization' });
    expect(drift.scoreShift!.contributions[0].share).toBeGreaterThan(0.5);
    expect(drift.scoreShift!.total).toBeGreaterThan(0);
  });

  it('an income drop of 30% is DRIFT with annualIncome flagged', async () => {
    const drift = await ingest('income-drop-1', generatedRecords(1_000, 8, 'income_drop', 0.3));
    expect(drift.status).toBe('DRIFT');
    expect(drift.features.find((f) => f.feature === 'annualIncome')!.drifted).toBe(true);
    expect(drift.features.find((f) => f.feature === 'age')!.drifted).toBe(false);
  });

  it('more delinquencies are caught by the categorical test', async () => {
    const drift = await ingest('delinquency-1', generatedRecords(1_000, 9, 'more_delinquencies', 0.3));
    const delinquency = drift.features.find((f) => f.feature === 'delinquencyCount')!;
    expect(delinquency).toMatchObject({ kind: 'discrete', method: 'chi_square', drifted: true });
  });

  it('a batch below the minimum sample is INSUFFICIENT_DATA, never a verdict', async () => {
    const drift = await ingest('tiny-1', generatedRecords(10, 10, 'income_drop', 0.5));
    expect(drift.status).toBe('INSUFFICIENT_DATA');
    drift.features.forEach((f) => expect(f).toMatchObject({ evaluated: false, drifted: false }));
  });

  it('serves driftReport, driftReports (paged, time-filtered), metricsHistory and batch.drift', () =>
    withServices(1, env(), async ({ services: [service] }) => {
      await ingestOn(service, 'healthy-1', generatedRecords(1_000, 7));
      await ingestOn(service, 'income-drop-1', generatedRecords(1_000, 8, 'income_drop', 0.3));
      await ingestOn(service, 'delinquency-1', generatedRecords(1_000, 9, 'more_delinquencies', 0.3));
      await ingestOn(service, 'tiny-1', generatedRecords(10, 10, 'income_drop', 0.5));

      const batch = await service.gql<{ batch: { drift: { id: string; status: string } } }>(
        `{ batch(batchId: "income-drop-1") { drift { id status } } }`,
      );
      const reportId = batch.data!.batch.drift.id;
      expect(batch.data!.batch.drift.status).toBe('DRIFT');

      const one = await service.gql<{ driftReport: { id: string; batchId: string; features: Feature[] } }>(
        `query($id: ID!) { driftReport(id: $id) { id batchId features { feature drifted } } }`,
        { id: reportId },
      );
      expect(one.data!.driftReport.batchId).toBe('income-drop-1');
      expect(one.data!.driftReport.features).toHaveLength(10);

      const page1 = await service.gql<{
        driftReports: {
          totalCount: number;
          edges: Array<{ node: { batchId: string } }>;
          pageInfo: { endCursor: string; hasNextPage: boolean };
        };
      }>(`{ driftReports(first: 2) { totalCount edges { node { batchId } } pageInfo { endCursor hasNextPage } } }`);
      expect(page1.data!.driftReports.totalCount).toBe(4);
      expect(page1.data!.driftReports.edges.map((e) => e.node.batchId)).toEqual(['tiny-1', 'delinquency-1']);
      const page2 = await service.gql<{
        driftReports: { edges: Array<{ node: { batchId: string } }>; pageInfo: { hasNextPage: boolean } };
      }>(`query($after: String) { driftReports(first: 2, after: $after) { edges { node { batchId } } pageInfo { hasNextPage } } }`, {
        after: page1.data!.driftReports.pageInfo.endCursor,
      });
      expect(page2.data!.driftReports.edges.map((e) => e.node.batchId)).toEqual(['income-drop-1', 'healthy-1']);
      expect(page2.data!.driftReports.pageInfo.hasNextPage).toBe(false);

      const future = await service.gql<{ driftReports: { totalCount: number } }>(
        `{ driftReports(from: "2999-01-01T00:00:00Z") { totalCount } }`,
      );
      expect(future.data!.driftReports.totalCount).toBe(0);

      const history = await service.gql<{
        metricsHistory: Array<{ reportId: string; drifted: boolean; evaluated: boolean; psi: number | null }>;
      }>(`{ metricsHistory(feature: "annualIncome") { reportId drifted evaluated psi } }`);
      expect(history.data!.metricsHistory.map((p) => p.drifted)).toEqual([false, true, false, false]);
      expect(history.data!.metricsHistory[3].evaluated).toBe(false);

      const missing = await service.gql(`{ driftReport(id: "00000000-0000-0000-0000-000000000000") { id } }`);
      expect(missing.errors![0].extensions!.code).toBe('NOT_FOUND');
    }));

  it('a batch report has the grade mix vs development (served over GraphQL and in the HTML report), counted on the batch’s scores', async () => {
    const drift = await ingest('graded-1', generatedRecords(1_000, 21));
    const [model] = (
      await fixture.sql.query(
        `SELECT v.artifact->'masterScale' AS scale FROM model_versions v JOIN batches b ON b.model_version = v.version WHERE b.batch_id = 'graded-1'`,
      )
    ).rows;
    expect(model.scale).not.toBeNull();
    const scale = parseMasterScale(model.scale);
    const served = await fixture.service.gql<{
      driftReport: {
        status: string;
        gradeDistribution: {
          rowCount: number;
          developmentRowCount: number;
          psi: number;
          status: string;
          reason: string;
          chiSquare: { statistic: number; degreesOfFreedom: number; pValue: number; pValueMethod: string };
          grades: Array<{
            grade: number;
            pdLower: number;
            pdUpper: number;
            developmentCount: number;
            developmentShare: number;
            count: number;
            share: number;
          }>;
        } | null;
      };
    }>(
      `query($id: ID!) { driftReport(id: $id) { status gradeDistribution { rowCount developmentRowCount psi status reason
         chiSquare { statistic degreesOfFreedom pValue pValueMethod }
         grades { grade pdLower pdUpper developmentCount developmentShare count share } } } }`,
      { id: drift.id },
    );
    expect(served.errors).toBeUndefined();
    const grades = served.data!.driftReport.gradeDistribution!;
    expect(grades).not.toBeNull();
    const stored = await fixture.sql.query(
      `SELECT p.probability FROM prediction_logs p JOIN batches b ON b.id = p.batch_id WHERE b.batch_id = 'graded-1'`,
    );
    const counts = countGrades(
      scale,
      stored.rows.map((r: { probability: number }) => r.probability),
    );
    expect(grades.grades.map((g) => g.count)).toEqual(counts);
    expect(grades.grades.map((g) => g.developmentCount)).toEqual(scale.grades.map((g) => g.developmentCount));
    expect(grades.grades.map((g) => [g.pdLower, g.pdUpper])).toEqual(scale.grades.map((g) => [g.pdLower, g.pdUpper]));
    expect(grades.rowCount).toBe(1_000);
    expect(grades.developmentRowCount).toBe(scale.grades.reduce((s, g) => s + g.developmentCount, 0));
    expect(['STABLE', 'DRIFT']).toContain(grades.status);
    expect(grades.chiSquare.degreesOfFreedom).toBe(scale.grades.length - 1);
    expect(grades.psi).toBeGreaterThanOrEqual(0);

    const html = await (await fixture.service.fetch(`/reports/${drift.id}`)).text();
    expect(html).toContain('<h2>Rating-grade distribution</h2>');
    expect(html.match(/<tr data-grade="/g)).toHaveLength(scale.grades.length);
  });

  it('GET /reports/:id serves a self-contained HTML report; an unknown id is a JSON 404', async () => {
    await ingest('income-drop-html', generatedRecords(1_000, 8, 'income_drop', 0.3));
    const [row] = (
      await fixture.sql.query(`SELECT r.id FROM drift_reports r JOIN batches b ON b.id = r.batch_id WHERE b.batch_id = 'income-drop-html'`)
    ).rows;
    const response = await fixture.service.fetch(`/reports/${row.id}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    const html = await response.text();
    expect(html).toContain('DRIFT');
    expect(html).toContain('annualIncome');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|src="http|href="http/);
    const missing = await fixture.service.fetch('/reports/00000000-0000-0000-0000-000000000000');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });

  describe('baseline versions', () => {
    const REINIT = `mutation($input: ReinitializeBaselineInput!) { reinitializeBaseline(input: $input) { version rowCount isActive source } }`;

    it('refuses CSV paths outside the allowed data folder (FORBIDDEN)', () =>
      withServices(1, env(), async ({ services: [service], sql }) => {
        for (const path of ['/etc/passwd', '../../etc/passwd', `${data.dir}/../x.csv`]) {
          const response = await service.gql(REINIT, { input: { source: 'CSV', path } });
          expect(response.errors![0].extensions!.code).toBe('FORBIDDEN');
        }
        expect((await sql.query(`SELECT count(*)::int AS n FROM baselines`)).rows[0].n).toBe(1);
      }));

    it('creates versions from the first N rows, a random N rows, and a prediction-log window; activates atomically', () =>
      withServices(1, env(), async ({ services: [service], sql }) => {
        // The prediction-log window's rows: 1,010 logged predictions.
        await ingestOn(service, 'logged-1', generatedRecords(1_000, 7));
        await ingestOn(service, 'logged-2', generatedRecords(10, 10));

        const first = await service.gql<{ reinitializeBaseline: { version: number; rowCount: number; isActive: boolean } }>(REINIT, {
          input: { source: 'CSV_FIRST_ROWS', path: data.file, rows: 1_000 },
        });
        expect(first.data!.reinitializeBaseline).toMatchObject({ version: 2, rowCount: 1_000, isActive: true });

        const random = await service.gql<{ reinitializeBaseline: { version: number; rowCount: number; source: string } }>(REINIT, {
          input: { source: 'CSV_RANDOM_ROWS', path: data.file, rows: 500, seed: 3 },
        });
        expect(random.data!.reinitializeBaseline).toMatchObject({
          version: 3,
          rowCount: 500,
          source: 'csv:baseline.csv:random:500:seed:3',
        });

        const logs = await service.gql<{ reinitializeBaseline: { version: number; rowCount: number } }>(REINIT, {
          input: { source: 'PREDICTION_LOGS', from: '2000-01-01T00:00:00Z', to: '2999-01-01T00:00:00Z' },
        });
        expect(logs.data!.reinitializeBaseline).toMatchObject({ version: 4, rowCount: 1_010 });

        const active = await sql.query(`SELECT version FROM baselines WHERE is_active`);
        expect(active.rows).toEqual([{ version: 4 }]);

        const bad = await service.gql(REINIT, { input: { source: 'CSV_FIRST_ROWS', path: data.file } });
        expect(bad.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', problems: [{ field: 'rows' }] });
      }));

    it('rolls back to an older version; the next batch is checked against it', () =>
      withServices(1, env(), async ({ services: [service] }) => {
        // Versions 2 to 4 to roll back from.
        for (const input of [
          { source: 'CSV_FIRST_ROWS', path: data.file, rows: 1_000 },
          { source: 'CSV_RANDOM_ROWS', path: data.file, rows: 500, seed: 3 },
          { source: 'CSV_RANDOM_ROWS', path: data.file, rows: 600, seed: 4 },
        ]) {
          expect((await service.gql(REINIT, { input })).errors).toBeUndefined();
        }
        const response = await service.gql<{ activateBaseline: { version: number; isActive: boolean } }>(
          `mutation { activateBaseline(input: { version: 1 }) { version isActive } }`,
        );
        expect(response.data!.activateBaseline).toEqual({ version: 1, isActive: true });
        const list = await service.gql<{ baselines: Array<{ version: number; isActive: boolean }> }>(`{ baselines { version isActive } }`);
        expect(list.data!.baselines).toEqual([4, 3, 2, 1].map((version) => ({ version, isActive: version === 1 })));
        const drift = await ingestOn(service, 'after-rollback', generatedRecords(200, 11));
        expect(drift.baselineVersion).toBe(1);

        const missing = await service.gql(`mutation { activateBaseline(input: { version: 99 }) { version } }`);
        expect(missing.errors![0].extensions!.code).toBe('NOT_FOUND');
      }));
  });
});
