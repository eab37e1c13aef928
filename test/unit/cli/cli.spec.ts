import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { REQUIRED_ATTRIBUTES } from '../../../datasets/credit-g-converter';
import { loadArtifact } from '../../../src/model/artifact';
import { readFeatureCsvTable } from '../../../src/model/csv';
import { evaluatePredictions } from '../../../src/model/evaluation';
import { gradeOf, masterScaleFromBoundaries } from '../../../src/model/master-scale';
import { artifactScorer, ratingGrade, riskLabel } from '../../../src/model/scorer';

const ROOT = resolve(__dirname, '..', '..', '..');
const HEADER =
  'customer_id,age,annual_income,debt_to_income,credit_utilization,num_open_accounts,delinquency_count,loan_amount,employment_years';

/** Runs the CLI exactly as `npm run cli -- ...` does. */
function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('CLI end to end', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-'));
  const data = join(dir, 'applications.csv');
  const model = join(dir, 'model.json');
  const scores = join(dir, 'scores.csv');

  // The labelled CSV and the model the tests read, made here by the CLI itself, so every test
  // stands alone (the generate and train tests write files of their own).
  beforeAll(() => {
    expect(cli('dataset', 'generate', '--rows', '800', '--seed', '5', '--out', data).code).toBe(0);
    expect(cli('train', '--data', data, '--out', model, '--seed', '3', '--repeats', '1').code).toBe(0);
  });

  it('--help lists the commands, and every command has its own --help', () => {
    const top = cli('--help');
    expect(top.code).toBe(0);
    for (const name of ['train', 'score', 'evaluate', 'dataset']) expect(top.stdout).toContain(name);
    for (const path of [
      ['train'],
      ['score'],
      ['evaluate'],
      ['dataset'],
      ['dataset', 'convert'],
      ['dataset', 'generate'],
      ['dataset', 'profile'],
    ]) {
      const help = cli(...path, '--help');
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/^Usage: credit-monitor /);
    }
    expect(cli('train', '--help').stdout).toContain('--data <csv>');
    expect(cli('dataset', 'generate', '--help').stdout).toContain('income_drop');
  });

  it('dataset generate writes a deterministic labelled CSV', () => {
    const generated = join(dir, 'generated.csv');
    const run = cli('dataset', 'generate', '--rows', '800', '--seed', '5', '--out', generated);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ rows: 800, seed: 5, scenario: null });
    const text = readFileSync(generated, 'utf8');
    expect(text.split('\n')[0]).toBe(`${HEADER},actual_default`);
    expect(text.trim().split('\n')).toHaveLength(801);
    const again = join(dir, 'again.csv');
    cli('dataset', 'generate', '--rows', '800', '--seed', '5', '--out', again);
    expect(readFileSync(again, 'utf8')).toBe(text);
    const drifted = cli(
      'dataset',
      'generate',
      '--rows',
      '10',
      '--scenario',
      'income_drop',
      '--strength',
      '0.3',
      '--out',
      join(dir, 'd.csv'),
    );
    expect(JSON.parse(drifted.stdout)).toMatchObject({ scenario: 'income_drop', strength: 0.3 });
  });

  it('train writes an artifact and prints holdout and cross-validation metrics as JSON', () => {
    const trained = join(dir, 'trained.json');
    const run = cli('train', '--data', data, '--out', trained, '--seed', '3', '--repeats', '1');
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as Record<string, Record<string, unknown>>;
    expect(out.artifact).toBe(trained);
    expect(Object.keys(out.holdout).sort()).toEqual([
      'accuracy',
      'brier',
      'f1',
      'logLoss',
      'positiveRate',
      'precision',
      'recall',
      'rocAuc',
    ]);
    expect(out.crossValidation.rocAuc).toEqual(expect.objectContaining({ mean: expect.any(Number), sd: expect.any(Number) }));
    expect(run.stderr).toContain('cross-validation');
    const artifact = loadArtifact(trained);
    expect(artifact.training.rows).toBe(800);
    expect(artifact.training.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('score gives bit-identical probabilities to the in-process artifactScorer, with risk labels and grades', async () => {
    const run = cli('score', '--data', data, '--model', model, '--out', scores);
    expect(run.code).toBe(0);
    const lines = readFileSync(scores, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('customer_id,probability,risk_label,grade');
    const table = await readFeatureCsvTable(data);
    const artifact = loadArtifact(model);
    const expected = artifactScorer(artifact).score(table.columns);
    expect(lines).toHaveLength(801);
    lines.slice(1).forEach((line, i) => {
      const [id, probability, label, grade] = line.split(',');
      expect(id).toBe(table.customerIds[i]);
      expect(Number(probability)).toBe(expected[i]);
      expect(label).toBe(riskLabel(expected[i], artifact.threshold));
      expect(grade).toBe(String(ratingGrade(expected[i], artifact.masterScale ?? null) ?? ''));
    });
  });

  it("score writes each row's grade on the artifact's master scale, and an empty grade without one", async () => {
    const trained = loadArtifact(model);
    delete trained.masterScale;
    const scale = masterScaleFromBoundaries([0.1, 0.2, 0.35, 0.6], []);
    const graded = join(dir, 'graded.json');
    const ungraded = join(dir, 'ungraded.json');
    writeFileSync(graded, JSON.stringify({ ...trained, masterScale: scale }));
    writeFileSync(ungraded, JSON.stringify(trained));
    const table = await readFeatureCsvTable(data);
    const expected = artifactScorer(trained).score(table.columns);

    const gradedOut = join(dir, 'graded-scores.csv');
    expect(cli('score', '--data', data, '--model', graded, '--out', gradedOut).code).toBe(0);
    const grades = readFileSync(gradedOut, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(',')[3]);
    expect(grades).toEqual(Array.from(expected, (p) => String(gradeOf(scale, p))));
    expect(new Set(grades).size).toBeGreaterThan(1);

    const ungradedOut = join(dir, 'ungraded-scores.csv');
    expect(cli('score', '--data', data, '--model', ungraded, '--out', ungradedOut).code).toBe(0);
    const lines = readFileSync(ungradedOut, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('customer_id,probability,risk_label,grade');
    lines.slice(1).forEach((line) => expect(line).toMatch(/,(LOW|MEDIUM|HIGH),$/));
  });

  it('evaluate prints the metric JSON, equal to the in-process evaluation', async () => {
    const run = cli('evaluate', '--data', data, '--model', model);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as Record<string, number>;
    const table = await readFeatureCsvTable(data, { requireLabels: true });
    const artifact = loadArtifact(model);
    const expected = evaluatePredictions(
      table.actualDefault as Uint8Array,
      artifactScorer(artifact).score(table.columns),
      artifact.threshold,
    );
    expect(out).toEqual({ rows: 800, ...expected, modelVersion: artifact.modelVersion, threshold: artifact.threshold });
  });

  it('score and evaluate default to the shipped artifact', () => {
    const run = cli('evaluate', '--data', data);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).modelVersion).toBe(loadArtifact(join(ROOT, 'artifacts', 'model.json')).modelVersion);
  });

  it('dataset convert turns a raw credit-g ARFF file into the feature CSV', () => {
    const arff = join(dir, 'credit-g.arff');
    writeFileSync(
      arff,
      [
        '@relation german_credit',
        ...REQUIRED_ATTRIBUTES.map((name) => `@attribute ${name} string`),
        '@data',
        "'<0',6,'critical/other existing credit',1169,'no known savings','>=7',67,2,good",
      ].join('\n'),
    );
    const out = join(dir, 'converted.csv');
    const run = cli('dataset', 'convert', '--input', arff, '--out', out);
    expect(run.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(`${HEADER},actual_default\nopenml-credit-0001,67,46836,0.05,0.715,3,3,1169,8,false\n`);
  });

  describe('CSV input errors name the line and column and exit non-zero', () => {
    const write = (name: string, text: string): string => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    };

    it('non-numeric value', () => {
      const bad = write('bad-value.csv', `${HEADER}\nr1,30,1,0.1,0.1,1,0,1,1\nr2,thirty,1,0.1,0.1,1,0,1,1\n`);
      const run = cli('score', '--data', bad, '--out', join(dir, 'never.csv'));
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`${bad}: line 3, column "age": "thirty" is not a finite number`);
    });

    it('missing column', () => {
      const bad = write('missing-column.csv', 'customer_id,age\nr1,30\n');
      const run = cli('evaluate', '--data', bad);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/line 1, column "annual_income": missing column "annual_income"/);
    });

    it('empty file', () => {
      const bad = write('empty.csv', '');
      const run = cli('train', '--data', bad, '--out', join(dir, 'never.json'));
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/empty\.csv: line 1: empty file/);
      expect(existsSync(join(dir, 'never.json'))).toBe(false);
    });
  });

  it('usage errors exit with code 2', () => {
    expect(cli('frobnicate').code).toBe(2);
    const missing = cli('score', '--data', data);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--out is required');
    expect(cli('dataset', 'generate', '--rows', '5', '--out', join(dir, 'x.csv'), '--scenario', 'nope').code).toBe(2);
  });
});
