import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateColumns, loadProfile } from '../../datasets/generator';
import { readFeatureCsvTable } from '../../src/model/csv';
import { featureCsvHeader, featureCsvLines } from '../../src/model/feature-csv-writer';
import { FEATURE_NAMES } from '../../src/model/features';
import { ingestMutation } from '../support/applications';
import { createTestDatabase } from '../support/database';
import { generatedCsvFolder } from '../support/generated-data';
import { startTestService, TestService } from '../support/service';

jest.setTimeout(120_000);

const ROOT = resolve(__dirname, '..', '..');

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface CliFeature {
  name: string;
  method: string;
  statistic: number | null;
  pValue: number | null;
  psi: number | null;
  wasserstein: number | null;
  jensenShannon: number | null;
  drifted: boolean;
}

describe('drift command line (same engine as the service)', () => {
  const data = generatedCsvFolder(3_000, 404, 'reference.csv');
  const current = join(data.dir, 'current.csv');
  const stable = join(data.dir, 'stable.csv');
  const decoupled = join(data.dir, 'decoupled.csv');
  let db: { url: string; drop(): Promise<void> };
  let service: TestService;

  beforeAll(async () => {
    const profile = loadProfile();
    for (const [path, seed, scenario, strength] of [
      [current, 405, 'higher_dti', 0.3],
      [stable, 406, undefined, undefined],
      [decoupled, 407, 'loan_income_decoupled', 1],
    ] as const) {
      const rows = generateColumns(profile, 800, { seed, scenario, strength, idPrefix: 'cur' });
      writeFileSync(path, featureCsvHeader(false) + featureCsvLines((i) => `cur-${i}`, rows.columns, null));
    }
    db = await createTestDatabase();
    service = await startTestService(db.url, { BASELINE_DATA_DIR: data.dir, BASELINE_SEED_PATH: join(data.dir, data.file) });
  });

  afterAll(async () => {
    await service?.close();
    await db?.drop();
  });

  it('prints one verdict per current file and writes HTML reports', () => {
    const report = join(data.dir, 'report.html');
    const result = cli('drift', '--reference', join(data.dir, data.file), '--current', current, stable, '--report', report, '--json');
    expect(result.status).toBe(0);
    const verdicts = JSON.parse(result.stdout) as Array<{
      file: string;
      rows: number;
      status: string;
      drifted: string[];
      features: CliFeature[];
    }>;
    expect(verdicts.map((v) => [v.file, v.rows, v.status])).toEqual([
      [current, 800, 'DRIFT'],
      [stable, 800, 'STABLE'],
    ]);
    expect(verdicts[0].drifted).toContain('debtToIncome');
    // Eight features, the prediction and the joint-distribution column.
    expect(verdicts[0].features).toHaveLength(10);
    expect(readFileSync(join(data.dir, 'report-1.html'), 'utf8')).toContain('debtToIncome');
    expect(readFileSync(join(data.dir, 'report-2.html'), 'utf8')).toContain('STABLE');
  });

  it('flags a broken income–loan relation in the multivariate column, with the score shift decomposed', () => {
    const result = cli('drift', '--reference', join(data.dir, data.file), '--current', decoupled, '--json');
    expect(result.status).toBe(0);
    const [verdict] = JSON.parse(result.stdout) as Array<{
      status: string;
      drifted: string[];
      features: CliFeature[];
      scoreShift: { total: number; contributions: Array<{ feature: string; contribution: number; share: number }> };
    }>;
    expect(verdict.status).toBe('DRIFT');
    expect(verdict.drifted).toContain('multivariate');
    expect(verdict.drifted.filter((name) => (FEATURE_NAMES as readonly string[]).includes(name))).toEqual([]);
    const sum = verdict.scoreShift.contributions.reduce((s, c) => s + c.contribution, 0);
    expect(Math.abs(sum - verdict.scoreShift.total)).toBeLessThanOrEqual(1e-9);
    expect(verdict.scoreShift.contributions.map((c) => c.feature).sort()).toEqual([...FEATURE_NAMES].sort());
  });

  it.each([
    ['higher_dti', () => current],
    ['loan_income_decoupled', () => decoupled],
  ])('%s: gives exactly the statistics the service stores for the same rows', async (label, file) => {
    const cliResult = JSON.parse(cli('drift', '--reference', join(data.dir, data.file), '--current', file()).stdout) as Array<{
      features: CliFeature[];
      scoreShift: { total: number; contributions: Array<{ feature: string; contribution: number; share: number }> };
    }>;
    const table = await readFeatureCsvTable(file());
    const records = table.customerIds.map((customerId, i) => {
      const record: Record<string, unknown> = { customerId };
      for (const name of FEATURE_NAMES) record[name] = table.columns[name][i];
      return record;
    });
    const response = await service.gql<{
      ingestBatch: {
        drift: {
          features: Array<{
            feature: string;
            method: string;
            statistic: number;
            pValue: number;
            psi: number;
            wasserstein: number | null;
            jensenShannon: number;
            drifted: boolean;
          }>;
          scoreShift: { total: number; contributions: Array<{ feature: string; contribution: number; share: number }> };
        };
      };
    }>(
      ingestMutation(
        'drift { features { feature method statistic pValue psi wasserstein jensenShannon drifted } scoreShift { total contributions { feature contribution share } } }',
      ),
      { input: { batchId: `cli-parity-${label}`, records } },
    );
    const served = new Map(response.data!.ingestBatch.drift.features.map((f) => [f.feature, f]));
    expect(served.has('multivariate')).toBe(true);
    expect(cliResult[0].features.map((f) => f.name)).toEqual([...served.keys()]);
    const { total, contributions } = cliResult[0].scoreShift;
    expect(response.data!.ingestBatch.drift.scoreShift).toEqual({
      total,
      contributions: contributions.map(({ feature, contribution, share }) => ({ feature, contribution, share })),
    });
    for (const f of cliResult[0].features) {
      const s = served.get(f.name)!;
      expect([f.name, f.method, f.drifted]).toEqual([s.feature, s.method, s.drifted]);
      for (const key of ['statistic', 'pValue', 'psi', 'wasserstein', 'jensenShannon'] as const) {
        expect([f.name, key, f[key]]).toEqual([f.name, key, s[key]]);
      }
    }
  });

  it('usage errors exit 2; a missing file exits 1 naming it', () => {
    expect(cli('drift', '--reference', join(data.dir, data.file)).status).toBe(2);
    const missing = cli('drift', '--reference', join(data.dir, data.file), '--current', join(data.dir, 'nope.csv'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/nope\.csv does not exist/);
    expect(cli('drift', '--help').stdout).toMatch(/--current <csv> \[<csv> \.\.\.\]/);
  });
});
