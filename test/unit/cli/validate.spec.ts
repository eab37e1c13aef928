import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadArtifact } from '../../../src/model/artifact';
import { computeValidationReport } from '../../../src/model/credit-validation';
import { readFeatureCsvTable } from '../../../src/model/csv';
import { artifactScorer } from '../../../src/model/scorer';

const ROOT = resolve(__dirname, '..', '..', '..');
const SAMPLE = join(ROOT, 'datasets', 'baseline-sample.csv');
const SHIPPED = join(ROOT, 'artifacts', 'model.json');

/** Runs the CLI exactly as `npm run cli -- ...` does. */
function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The shape issue 14 fixes for `validate --json` (more fields are allowed). */
const CONTRACT_KEYS = [
  'rows',
  'defaults',
  'rocAuc',
  'rocAucStandardError',
  'rocAucCi',
  'gini',
  'giniCi',
  'ksSeparation',
  'hosmerLemeshow',
  'herfindahl',
  'aucDeclineTest',
  'grades',
];
const GRADE_KEYS = [
  'grade',
  'pdLower',
  'pdUpper',
  'count',
  'defaults',
  'pd',
  'observedDefaultRate',
  'jeffreysPValue',
  'binomialPValue',
  'trafficLight',
];

describe('npm run cli -- validate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-validate-'));
  const artifact = loadArtifact(SHIPPED);
  let table: Awaited<ReturnType<typeof readFeatureCsvTable>>;
  let probabilities: Float64Array;
  beforeAll(async () => {
    table = await readFeatureCsvTable(SAMPLE, { requireLabels: true, requireCustomerId: false });
    probabilities = artifactScorer(artifact).score(table.columns);
  });

  it('prints the contract JSON: the same report the service computes, on the artifact’s grades', () => {
    const report = join(dir, 'validation.html');
    const run = cli('validate', '--data', SAMPLE, '--report', report, '--json');
    expect(run.stderr).toContain(`wrote ${report}`);
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout);
    for (const key of CONTRACT_KEYS) expect(printed).toHaveProperty(key);
    expect(Object.keys(printed.hosmerLemeshow).sort()).toEqual(['degreesOfFreedom', 'pValue', 'statistic']);
    for (const key of ['initialAuc', 'statistic', 'pValue']) expect(printed.aucDeclineTest).toHaveProperty(key);
    expect(printed.rocAucCi).toHaveLength(2);
    expect(printed.giniCi).toHaveLength(2);
    for (const grade of printed.grades) for (const key of GRADE_KEYS) expect(grade).toHaveProperty(key);

    const expected = computeValidationReport(probabilities, table.actualDefault!, artifact.masterScale!, {
      initialAuc: artifact.metrics.holdout!.rocAuc,
    });
    // JSON round trip: numbers print with all their digits, so equality is exact.
    expect(printed).toEqual({ ...JSON.parse(JSON.stringify(expected)), modelVersion: artifact.modelVersion, source: SAMPLE });
    expect(printed.rows).toBe(probabilities.length);
    expect(printed.aucDeclineTest.initialAuc).toBe(artifact.metrics.holdout!.rocAuc);

    // A row belongs to the grade with pdLower <= probability < pdUpper.
    const counts = printed.grades.map(
      (g: { pdLower: number; pdUpper: number }, i: number) =>
        Array.from(probabilities).filter((p) => p >= g.pdLower && (p < g.pdUpper || (i === printed.grades.length - 1 && p === 1))).length,
    );
    expect(printed.grades.map((g: { count: number }) => g.count)).toEqual(counts);

    const html = readFileSync(report, 'utf8');
    expect(html).toContain(artifact.modelVersion);
    expect(html).toContain('<svg');
  });

  it('--initial-auc and the traffic-light levels are used; bad values are usage errors naming the option', () => {
    const run = cli(
      'validate',
      '--data',
      SAMPLE,
      '--initial-auc',
      '0.9',
      '--yellow-p',
      '0.2',
      '--red-p',
      '0.1',
      '--min-grade-obligors',
      '5',
    );
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout);
    expect(printed.aucDeclineTest.initialAuc).toBe(0.9);
    expect(printed.settings).toMatchObject({ yellowPValue: 0.2, redPValue: 0.1, minGradeObligors: 5 });

    for (const [args, mention] of [
      [['--red-p', '0.2', '--yellow-p', '0.1'], '--red-p'],
      [['--initial-auc', '1.5'], '--initial-auc'],
      [['--min-grade-obligors', '2.5'], '--min-grade-obligors'],
    ] as Array<[string[], string]>) {
      const bad = cli('validate', '--data', SAMPLE, ...args);
      expect({ args, code: bad.code }).toEqual({ args, code: 2 });
      expect(bad.stderr).toContain(mention);
    }
  });

  it('an artifact without a master scale is refused with what to do', () => {
    const { masterScale: _scale, ...withoutScale } = artifact;
    const model = join(dir, 'no-scale.json');
    writeFileSync(model, JSON.stringify(withoutScale));
    const report = join(dir, 'not-written.html');
    const run = cli('validate', '--data', SAMPLE, '--model', model, '--report', report);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no master scale');
    expect(run.stdout).toBe('');
    expect(existsSync(report)).toBe(false);
  });
});
