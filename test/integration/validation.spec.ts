import { join } from 'node:path';
import { generateRows, loadProfile } from '../../datasets/generator';
import { loadArtifact } from '../../src/model/artifact';
import { computeValidationReport } from '../../src/model/credit-validation';
import { ingestMutation } from '../support/applications';
import { generatedCsvFolder } from '../support/generated-data';
import { useServiceFixture } from '../support/service-fixture';

const INGEST = ingestMutation('batchId modelVersion predictions { probability grade }');
const RUN = `mutation($input: RunDriftCheckInput!) { runDriftCheck(input: $input) { acquired checkedModelVersions } }`;
const REPORT = `query($modelVersion: String!, $from: DateTime!, $to: DateTime!, $initialAuc: Float) {
  validationReport(modelVersion: $modelVersion, from: $from, to: $to, initialAuc: $initialAuc) {
    modelVersion from to rows defaults unlabelledRows masterScaleRule
    rocAuc rocAucStandardError rocAucCi gini giniCi ksSeparation herfindahl gradePsi failed failures initialAucSource
    hosmerLemeshow { statistic degreesOfFreedom pValue }
    aucDeclineTest { initialAuc statistic pValue significant }
    grades { grade pdLower pdUpper count defaults pd observedDefaultRate jeffreysPValue binomialPValue trafficLight jeffreysInterval share developmentShare }
    portfolio { count defaults pd observedDefaultRate jeffreysPValue binomialPValue trafficLight jeffreysInterval }
    rocCurve { falsePositiveRate truePositiveRate }
    settings { yellowPValue redPValue minGradeObligors minClassCount confidence }
  } }`;
const ALERTS = `query($filter: AlertsFilter) { alerts(filter: $filter, first: 10) { edges { node { kind severity message modelVersion } } } }`;
const HOUR = 3_600_000;
const WINDOWS = JSON.stringify([{ kind: 'HOURLY', cron: '*/15 * * * *', lengthMinutes: 60, alignMinutes: 15 }]);

const profile = loadProfile();
const artifact = loadArtifact(join(__dirname, '..', '..', 'artifacts', 'model.json'));

type Report = Record<string, unknown> & {
  rows: number;
  defaults: number;
  unlabelledRows: number;
  grades: Array<{ grade: number; count: number; trafficLight: string }>;
  portfolio: { trafficLight: string };
  aucDeclineTest: { initialAuc: number | null; significant: boolean };
  initialAucSource: string | null;
  failed: boolean;
};

/** Numbers equal to 1e-12 (relative), everything else exactly: the service and the CLI run the same function. */
function expectSameReport(actual: unknown, expected: unknown, path = 'report'): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    expect({ path, close: Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)) }).toEqual({ path, close: true });
  } else if (Array.isArray(expected)) {
    expect(Array.isArray(actual)).toBe(true);
    expect((actual as unknown[]).length).toBe(expected.length);
    expected.forEach((value, i) => expectSameReport((actual as unknown[])[i], value, `${path}[${i}]`));
  } else if (expected !== null && typeof expected === 'object') {
    for (const [key, value] of Object.entries(expected))
      expectSameReport((actual as Record<string, unknown>)[key], value, `${path}.${key}`);
  } else {
    expect({ path, value: actual }).toEqual({ path, value: expected });
  }
}

describe('credit validation report (real PostgreSQL)', () => {
  const data = generatedCsvFolder(4_000, 1401);
  const fixture = useServiceFixture({
    BASELINE_DATA_DIR: data.dir,
    BASELINE_SEED_PATH: join(data.dir, data.file),
    MONITORING_DRIFT_WINDOWS: WINDOWS,
  });
  const from = new Date(Date.now() - 60_000);
  const probabilities: number[] = [];
  const labels: number[] = [];
  const grades: Array<number | null> = [];
  let unlabelled = 0;

  beforeAll(async () => {
    // Four batches with outcomes sent along (the generator's own default model), one without.
    for (let b = 0; b < 5; b++) {
      const rows = generateRows(profile, 1_000, { seed: 1410 + b, idPrefix: `val${b}` });
      const records = rows.map(({ actualDefault, ...record }) => (b < 4 ? { ...record, actualDefault } : record));
      const response = await fixture.service.gql<{ ingestBatch: { predictions: Array<{ probability: number; grade: number | null }> } }>(
        INGEST,
        {
          input: { batchId: `val-${b}`, records },
        },
      );
      expect(response.errors).toBeUndefined();
      const predictions = response.data!.ingestBatch.predictions;
      grades.push(...predictions.map((p) => p.grade));
      if (b < 4) {
        predictions.forEach((p, i) => {
          probabilities.push(p.probability);
          labels.push(rows[i].actualDefault ? 1 : 0);
        });
      } else {
        unlabelled += predictions.length;
      }
    }
  });

  async function report(variables: Record<string, unknown>) {
    return fixture.service.gql<{ validationReport: Report }>(REPORT, {
      modelVersion: artifact.modelVersion,
      from: from.toISOString(),
      to: new Date(Date.now() + 60_000).toISOString(),
      ...variables,
    });
  }

  it('the artifact ships a master scale, and every prediction carries its grade', () => {
    expect(artifact.masterScale?.grades.length).toBeGreaterThanOrEqual(7);
    expect(grades).toHaveLength(5_000);
    expect(grades.every((grade) => grade !== null && grade >= 1 && grade <= artifact.masterScale!.grades.length)).toBe(true);
  });

  it('validationReport over the stored outcomes equals the CLI computation on the same PDs and outcomes', async () => {
    const response = await report({});
    expect(response.errors).toBeUndefined();
    const served = response.data!.validationReport;
    const expected = computeValidationReport(Float64Array.from(probabilities), Uint8Array.from(labels), artifact.masterScale!, {
      initialAuc: artifact.metrics.holdout!.rocAuc,
      settings: { yellowPValue: 0.05, redPValue: 0.01, minGradeObligors: 20 },
    });
    expectSameReport(served, expected);
    expect(served.rows).toBe(4_000);
    expect(served.unlabelledRows).toBe(unlabelled);
    expect(served.initialAucSource).toBe('MODEL_CARD');
    expect(served.grades.reduce((sum, g) => sum + g.count, 0)).toBe(4_000);
  });

  it('initialAuc given: the decline test uses it', async () => {
    const response = await report({ initialAuc: 0.99 });
    expect(response.errors).toBeUndefined();
    const served = response.data!.validationReport;
    expect(served.aucDeclineTest.initialAuc).toBe(0.99);
    expect(served.initialAucSource).toBe('GIVEN');
    // Nothing discriminates at 0.99 on these data: the decline is significant and the report fails.
    expect(served.aucDeclineTest.significant).toBe(true);
    expect(served.failed).toBe(true);
  });

  it('bad arguments are refused naming the field; an unknown or grade-less model version too', async () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ to: from.toISOString() }, 'BAD_USER_INPUT', 'to'],
      [{ initialAuc: 1.5 }, 'BAD_USER_INPUT', 'initialAuc'],
      [{ modelVersion: '' }, 'BAD_USER_INPUT', 'modelVersion'],
      [{ modelVersion: 'no-such-version' }, 'NOT_FOUND', 'no-such-version'],
      [{ modelVersion: 'no-grades-version' }, 'BAD_USER_INPUT', 'master scale'],
    ];
    // A registered version whose artifact predates the master scale.
    const { masterScale: _scale, ...withoutScale } = artifact;
    await fixture.sql.query(
      `INSERT INTO model_versions (version, kind, status, artifact, metrics, trained_by) VALUES ('no-grades-version', 'artifact', 'CANDIDATE', $1, NULL, 'test')`,
      [JSON.stringify({ ...withoutScale, modelVersion: 'no-grades-version' })],
    );
    for (const [variables, code, mention] of cases) {
      const response = await report(variables);
      expect({ variables, code: response.errors?.[0]?.extensions?.code }).toEqual({ variables, code });
      expect(response.errors![0].message).toContain(mention);
    }
  });

  it('GET /reports/validation serves the self-contained HTML report; bad parameters get a JSON error', async () => {
    const query = `modelVersion=${encodeURIComponent(artifact.modelVersion)}&from=${from.toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}`;
    const response = await fixture.service.fetch(`/reports/validation?${query}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await response.text();
    expect(html).toContain(artifact.modelVersion);
    expect(html).toContain('<svg');

    const bad = await fixture.service.fetch(`/reports/validation?modelVersion=x&from=yesterday&to=2030-01-01`);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/application\/json/);
    expect(JSON.stringify(await bad.json())).toContain('from');
    // A time without an offset would be read in the server's time zone: refused.
    const local = await fixture.service.fetch(`/reports/validation?modelVersion=x&from=2026-01-01T00:00&to=2030-01-01`);
    expect(local.status).toBe(400);
    expect(JSON.stringify(await local.json())).toContain('with Z or an offset');
  });

  it('a window whose defaults far exceed the PDs raises a VALIDATION_FAILURE alert through the window check', async () => {
    const end = new Date('2031-03-01T12:00:00Z');
    // Every applicant of this batch defaulted: the portfolio's Jeffreys test is RED.
    const rows = generateRows(profile, 600, { seed: 1499, idPrefix: 'valbad' });
    const response = await fixture.service.gql(INGEST, {
      input: { batchId: 'val-bad', records: rows.map(({ actualDefault: _label, ...record }) => ({ ...record, actualDefault: true })) },
    });
    expect(response.errors).toBeUndefined();
    await fixture.sql.query(`UPDATE batches SET received_at = $1::timestamptz WHERE batch_id = 'val-bad'`, [
      new Date(end.getTime() - HOUR + 60_000),
    ]);
    const run = await fixture.service.gql<{ runDriftCheck: { acquired: boolean } }>(RUN, {
      input: { window: 'HOURLY', windowEnd: end.toISOString() },
    });
    expect(run.errors).toBeUndefined();
    expect(run.data!.runDriftCheck.acquired).toBe(true);

    const alerts = await fixture.service.gql<{
      alerts: { edges: Array<{ node: { kind: string; severity: string; message: string; modelVersion: string } }> };
    }>(ALERTS, { filter: { kind: 'VALIDATION_FAILURE' } });
    expect(alerts.errors).toBeUndefined();
    const nodes = alerts.data!.alerts.edges.map((e) => e.node);
    expect(nodes).toHaveLength(1);
    expect(nodes[0]).toMatchObject({ kind: 'VALIDATION_FAILURE', modelVersion: artifact.modelVersion });
    expect(nodes[0].message).toMatch(/600 labelled, 600 defaults/);
    expect(nodes[0].message).toMatch(/portfolio/i);
  });
});
