import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateColumns, loadProfile } from '../../../datasets/generator';
import { runCli } from '../../../src/cli/run-cli';
import { loadArtifact, parseArtifact } from '../../../src/model/artifact';
import { readFeatureCsvTable } from '../../../src/model/csv';
import { predictProbabilities } from '../../../src/model/linear-model';
import {
  DEFAULT_GRADE_COUNT,
  fitMasterScale,
  GIVEN_SCALE_RULE,
  gradeOf,
  innerBoundaries,
  MasterScale,
  masterScaleFromBoundaries,
  parseMasterScale,
  QUANTILE_SCALE_RULE,
} from '../../../src/model/master-scale';
import { stratifiedHoldout } from '../../../src/model/splits';
import { selectRows, trainModel, TrainModelOptions } from '../../../src/model/training';
import { describeWithShared, sharedPath } from '../../support/shared';

const ROOT = resolve(__dirname, '..', '..', '..');

function counts(scale: MasterScale): number[] {
  return scale.grades.map((g) => g.developmentCount);
}

/** n copies of value. */
function repeat(value: number, n: number): number[] {
  return Array.from({ length: n }, () => value);
}

describe('fitMasterScale (equal-count grades on development PDs)', () => {
  it('puts the inner boundaries at the k/K quantiles, giving equal counts on distinct PDs', () => {
    // 0.01 … 0.80: the quantiles 1/4, 2/4, 3/4 are the 21st, 41st and 61st values.
    const pds = Array.from({ length: 80 }, (_, i) => (i + 1) / 100);
    const scale = fitMasterScale(pds, 4);
    expect(innerBoundaries(scale)).toEqual([0.21, 0.41, 0.61]);
    expect(scale.grades).toEqual([
      { grade: 1, pdLower: 0, pdUpper: 0.21, developmentCount: 20 },
      { grade: 2, pdLower: 0.21, pdUpper: 0.41, developmentCount: 20 },
      { grade: 3, pdLower: 0.41, pdUpper: 0.61, developmentCount: 20 },
      { grade: 4, pdLower: 0.61, pdUpper: 1, developmentCount: 20 },
    ]);
    expect(scale.rule).toBe(QUANTILE_SCALE_RULE);
  });

  it('does not depend on the order of the PDs and leaves them as they were', () => {
    const pds = Array.from({ length: 80 }, (_, i) => ((i * 37) % 80) / 100 + 0.01);
    const before = [...pds];
    expect(fitMasterScale(pds, 4)).toEqual(
      fitMasterScale(
        [...pds].sort((a, b) => a - b),
        4,
      ),
    );
    expect(pds).toEqual(before);
  });

  it('rounds boundaries to two significant figures, and counts against the rounded boundary', () => {
    // The median is 0.1234 → boundary 0.12, so 0.121 (below the median) lands in grade 2.
    const pds = [...repeat(0.05, 49), 0.121, 0.1234, ...repeat(0.5, 49)];
    const scale = fitMasterScale(pds, 2);
    expect(innerBoundaries(scale)).toEqual([0.12]);
    expect(counts(scale)).toEqual([49, 51]);
  });

  it('drops boundaries that rounding or ties merge, giving fewer grades and no empty interval', () => {
    // Quantiles 0.101 and 0.104 both round to 0.10; the scale has 3 grades, not 4.
    const rounded = fitMasterScale([...repeat(0.05, 25), ...repeat(0.101, 25), ...repeat(0.104, 25), ...repeat(0.3, 25)], 4);
    expect(innerBoundaries(rounded)).toEqual([0.1, 0.3]);
    expect(counts(rounded)).toEqual([25, 50, 25]);
    // Ties: three quantiles at the same PD.
    const tied = fitMasterScale([...repeat(0.2, 90), ...repeat(0.9, 10)], 4);
    expect(innerBoundaries(tied)).toEqual([0.2]);
    expect(counts(tied)).toEqual([0, 100]);
  });

  it('drops a boundary that rounds to 0 or 1', () => {
    expect(innerBoundaries(fitMasterScale([...repeat(0, 50), ...repeat(0.4, 50)], 3))).toEqual([0.4]);
    expect(innerBoundaries(fitMasterScale([...repeat(0.3, 50), ...repeat(0.997, 50)], 3))).toEqual([0.3]);
  });

  it('defaults to DEFAULT_GRADE_COUNT grades', () => {
    // 100 rows at each of 0.05, 0.15, …, 0.75: every quantile is a cluster's first row.
    const pds = Array.from({ length: 800 }, (_, i) => Math.floor(i / 100) / 10 + 0.05);
    const scale = fitMasterScale(pds);
    expect(innerBoundaries(scale)).toEqual([0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75]);
    expect(counts(scale)).toEqual(repeat(100, DEFAULT_GRADE_COUNT));
  });

  it('refuses a bad grade count, no PDs, PDs outside [0, 1], and PDs that leave no boundary inside (0, 1)', () => {
    const pds = [0.1, 0.2, 0.3];
    expect(() => fitMasterScale(pds, 1)).toThrow('grade count must be an integer from 2 to 25, got 1');
    expect(() => fitMasterScale(pds, 26)).toThrow('got 26');
    expect(() => fitMasterScale(pds, 2.5)).toThrow('got 2.5');
    expect(() => fitMasterScale([], 4)).toThrow('fitting a master scale needs development PDs');
    expect(() => fitMasterScale([0.1, 1.2], 2)).toThrow('development PDs must lie in [0, 1]');
    expect(() => fitMasterScale([0.1, Number.NaN], 2)).toThrow('development PDs must lie in [0, 1]');
    expect(() => fitMasterScale(repeat(0, 10), 4)).toThrow('a master scale has 2 to 25 grades, got 1');
  });
});

describe('masterScaleFromBoundaries and gradeOf', () => {
  const scale = masterScaleFromBoundaries([0.1, 0.5], [0, 0.05, 0.1, 0.3, 0.4999, 0.5, 0.9, 1, Number.NaN, -0.1, 1.1]);

  it('has grades from 0 to 1 with the given inner boundaries and the given-boundaries rule', () => {
    expect(scale.grades.map((g) => [g.pdLower, g.pdUpper])).toEqual([
      [0, 0.1],
      [0.1, 0.5],
      [0.5, 1],
    ]);
    expect(innerBoundaries(scale)).toEqual([0.1, 0.5]);
    expect(scale.rule).toBe(GIVEN_SCALE_RULE);
  });

  it('puts p in the grade with pdLower <= p < pdUpper, and p = 1 in the last grade', () => {
    expect(gradeOf(scale, 0)).toBe(1);
    expect(gradeOf(scale, 0.09999999)).toBe(1);
    expect(gradeOf(scale, 0.1)).toBe(2);
    expect(gradeOf(scale, 0.49999999)).toBe(2);
    expect(gradeOf(scale, 0.5)).toBe(3);
    expect(gradeOf(scale, 1)).toBe(3);
  });

  it('gives no grade to NaN or a value outside [0, 1], and does not count them', () => {
    expect(gradeOf(scale, Number.NaN)).toBeNull();
    expect(gradeOf(scale, -0.1)).toBeNull();
    expect(gradeOf(scale, 1.1)).toBeNull();
    expect(counts(scale)).toEqual([2, 3, 3]);
  });

  it('agrees with a linear scan on many grades', () => {
    const many = masterScaleFromBoundaries(
      Array.from({ length: 24 }, (_, i) => (i + 1) / 25),
      [],
    );
    for (let p = 0; p <= 1; p += 0.001) {
      const expected = many.grades.find((g) => g.pdLower <= p && (p < g.pdUpper || g.pdUpper === 1))?.grade;
      expect(gradeOf(many, p)).toBe(expected);
    }
  });

  it('refuses boundaries outside (0, 1), not increasing strictly, or too many', () => {
    expect(() => masterScaleFromBoundaries([0, 0.5], [])).toThrow('master scale boundary 1 must lie strictly between 0 and 1, got 0');
    expect(() => masterScaleFromBoundaries([0.5, 1], [])).toThrow('master scale boundary 2 must lie strictly between 0 and 1, got 1');
    expect(() => masterScaleFromBoundaries([Number.NaN], [])).toThrow('got NaN');
    expect(() => masterScaleFromBoundaries([0.2, 0.2], [])).toThrow('master scale boundaries must increase strictly: 0.2 then 0.2');
    expect(() => masterScaleFromBoundaries([0.3, 0.2], [])).toThrow('0.3 then 0.2');
    expect(() => masterScaleFromBoundaries([], [])).toThrow('a master scale has 2 to 25 grades, got 1');
    expect(() =>
      masterScaleFromBoundaries(
        Array.from({ length: 25 }, (_, i) => (i + 1) / 26),
        [],
      ),
    ).toThrow('got 26');
  });
});

describe('parseMasterScale', () => {
  const valid = masterScaleFromBoundaries([0.1, 0.5], [0.05, 0.2, 0.7]);

  /** The valid scale as JSON with one grade's field replaced. */
  function withGrade(index: number, patch: Record<string, unknown>): unknown {
    const json = JSON.parse(JSON.stringify(valid)) as { grades: Array<Record<string, unknown>> };
    json.grades[index] = { ...json.grades[index], ...patch };
    return json;
  }

  it('round-trips a scale through JSON, and a missing rule reads as given boundaries', () => {
    expect(parseMasterScale(JSON.parse(JSON.stringify(valid)))).toEqual(valid);
    expect(parseMasterScale({ grades: valid.grades }).rule).toBe(GIVEN_SCALE_RULE);
  });

  it.each<[string, unknown, string]>([
    ['not an object', [], 'masterScale must be a JSON object'],
    ['null', null, 'masterScale must be a JSON object'],
    ['grades missing', { rule: 'x' }, 'masterScale.grades must be an array of 2 to 25 grades'],
    [
      'one grade',
      { grades: [{ grade: 1, pdLower: 0, pdUpper: 1, developmentCount: 0 }] },
      'masterScale.grades must be an array of 2 to 25 grades',
    ],
    ['a grade not an object', { grades: [valid.grades[0], 3, valid.grades[2]] }, 'masterScale.grades[1] must be an object'],
    ['a bound not a number', withGrade(1, { pdUpper: '0.5' }), 'masterScale.grades[1].pdUpper must be a finite number, got "0.5"'],
    ['a bound missing', withGrade(2, { pdLower: undefined }), 'masterScale.grades[2].pdLower must be a finite number, got undefined'],
    [
      'a count not finite',
      withGrade(0, { developmentCount: null }),
      'masterScale.grades[0].developmentCount must be a finite number, got null',
    ],
    ['a count not whole', withGrade(0, { developmentCount: 1.5 }), 'masterScale.grades[0].developmentCount must be a non-negative integer'],
    ['a count negative', withGrade(0, { developmentCount: -1 }), 'masterScale.grades[0].developmentCount must be a non-negative integer'],
    ['grades out of order', withGrade(1, { grade: 3 }), 'masterScale.grades[1].grade must be 2, got 3'],
    ['not from 0', withGrade(0, { pdLower: 0.01 }), 'masterScale: grade 1 must start at PD 0'],
    ['not to 1', withGrade(2, { pdUpper: 0.99 }), 'masterScale: the last grade must end at PD 1'],
    ['an empty interval', withGrade(1, { pdUpper: 0.1 }), 'masterScale: grade 2 has pdUpper <= pdLower'],
    ['a gap', withGrade(1, { pdLower: 0.11 }), 'masterScale: grade 2 does not start where grade 1 ends'],
  ])('refuses %s, naming the field', (_case, json, message) => {
    expect(() => parseMasterScale(json)).toThrow(message);
  });

  it('parseArtifact reads the field and names it when it is invalid', () => {
    const shipped = JSON.parse(JSON.stringify(loadArtifact(join(ROOT, 'artifacts', 'model.json')))) as Record<string, unknown>;
    expect(parseArtifact(shipped).masterScale).toEqual(shipped.masterScale);
    expect(() => parseArtifact({ ...shipped, masterScale: withGrade(0, { pdLower: 0.01 }) })).toThrow(
      'model artifact field "masterScale": masterScale: grade 1 must start at PD 0',
    );
    const { masterScale: _dropped, ...withoutScale } = shipped;
    expect(parseArtifact(withoutScale).masterScale).toBeUndefined();
  });
});

describe('trainModel stores the master scale of its development sample', () => {
  const data = generateColumns(loadProfile(), 1200, { seed: 3 });
  const training = { columns: data.columns, labels: data.actualDefault };
  const options: TrainModelOptions = {
    seed: 9,
    folds: 0,
    data: { source: 'generated', sha256: null },
    createdAt: '2024-01-01T00:00:00.000Z',
  };

  /** The shipped model's PDs of its fitting rows, recomputed from the artifact and the seed. */
  function developmentPds(artifact: ReturnType<typeof trainModel>['artifact']): Float64Array {
    const rows = stratifiedHoldout(data.actualDefault, artifact.training.holdoutFraction, artifact.training.seed).train;
    return predictProbabilities(artifact, selectRows(data.columns, rows));
  }

  it('by default: DEFAULT_GRADE_COUNT fitted grades whose counts are the fitting rows, recounted from their PDs', () => {
    const { artifact } = trainModel(training, options);
    const scale = artifact.masterScale as MasterScale;
    expect(scale.rule).toBe(QUANTILE_SCALE_RULE);
    expect(scale.grades).toHaveLength(DEFAULT_GRADE_COUNT);
    expect(counts(scale).reduce((sum, n) => sum + n, 0)).toBe(artifact.training.fittedRows);
    expect(artifact.training.fittedRows).toBe(900);
    const pds = developmentPds(artifact);
    const recounted = scale.grades.map(() => 0);
    for (const p of pds) recounted[(gradeOf(scale, p) as number) - 1]++;
    expect(counts(scale)).toEqual(recounted);
    expect(scale).toEqual(fitMasterScale(pds));
    // The holdout is not development data.
    expect(counts(scale).reduce((sum, n) => sum + n, 0)).not.toBe(artifact.training.rows);
  });

  it('fits gradeCount grades, or takes the given boundaries, without changing the model version', () => {
    const byDefault = trainModel(training, options).artifact;
    const five = trainModel(training, { ...options, masterScale: { gradeCount: 5 } }).artifact;
    const given = trainModel(training, { ...options, masterScale: { boundaries: [0.1, 0.3, 0.6] } }).artifact;
    expect(five.masterScale?.grades).toHaveLength(5);
    expect(five.masterScale).toEqual(fitMasterScale(developmentPds(five), 5));
    expect(given.masterScale).toEqual(masterScaleFromBoundaries([0.1, 0.3, 0.6], developmentPds(given)));
    expect(given.masterScale?.rule).toBe(GIVEN_SCALE_RULE);
    expect(new Set([byDefault.modelVersion, five.modelVersion, given.modelVersion]).size).toBe(1);
    const { masterScale: _a, ...defaultRest } = byDefault;
    const { masterScale: _b, ...givenRest } = given;
    expect(givenRest).toEqual(defaultRest);
  });

  it('counts every row when nothing is held out, and the scale survives serialisation', () => {
    const { artifact } = trainModel(training, { ...options, holdout: 0 });
    expect(counts(artifact.masterScale as MasterScale).reduce((sum, n) => sum + n, 0)).toBe(1200);
    expect(parseArtifact(JSON.parse(JSON.stringify(artifact))).masterScale).toEqual(artifact.masterScale);
  });

  it('refuses both gradeCount and boundaries, and bad boundaries', () => {
    expect(() => trainModel(training, { ...options, masterScale: { gradeCount: 4, boundaries: [0.2] } })).toThrow(
      'masterScale takes boundaries or gradeCount, not both',
    );
    expect(() => trainModel(training, { ...options, masterScale: { boundaries: [0.3, 0.2] } })).toThrow(
      'master scale boundaries must increase strictly: 0.3 then 0.2',
    );
    expect(() => trainModel(training, { ...options, masterScale: { gradeCount: 30 } })).toThrow(
      'grade count must be an integer from 2 to 25, got 30',
    );
  });
});

describeWithShared('the shipped artifact’s master scale (../shared credit-g data)', () => {
  it('is what training on the shipped data and seed fits, and leaves the shipped model version', async () => {
    const shipped = loadArtifact(join(ROOT, 'artifacts', 'model.json'));
    const table = await readFeatureCsvTable(sharedPath('datasets', 'credit-g-monitoring.csv'), { requireLabels: true });
    const training = { columns: table.columns, labels: table.actualDefault as Uint8Array };
    const options: TrainModelOptions = {
      seed: shipped.training.seed,
      folds: 0,
      data: { source: shipped.training.source, sha256: shipped.training.sha256 },
    };
    const retrained = trainModel(training, options).artifact;
    expect(retrained.modelVersion).toBe('credit-lr-ea255003757d');
    expect(shipped.modelVersion).toBe('credit-lr-ea255003757d');
    expect(retrained.masterScale).toEqual(shipped.masterScale);
    expect(shipped.masterScale?.grades).toHaveLength(DEFAULT_GRADE_COUNT);
    expect(counts(shipped.masterScale as MasterScale).reduce((sum, n) => sum + n, 0)).toBe(750);
    expect(trainModel(training, { ...options, masterScale: { gradeCount: 10 } }).artifact.modelVersion).toBe(shipped.modelVersion);
  });
});

describe('train --grades / --master-scale', () => {
  const dir = mkdtempSync(join(tmpdir(), 'train-grades-'));
  const data = join(ROOT, 'datasets', 'demo-stable.csv');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function train(out: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await runCli(['train', '--data', data, '--folds', '0', '--out', join(dir, out), ...args], {
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
    });
    return { code, stdout, stderr };
  }

  it.each<[string[], string]>([
    [['--grades', '1'], '--grades must be at least 2, got 1'],
    [['--grades', '26'], '--grades must be at most 25, got 26'],
    [['--grades', '4.5'], '--grades must be a whole number, got "4.5"'],
    [['--grades', 'eight'], '--grades must be a number, got "eight"'],
    [
      ['--master-scale', ''],
      '--master-scale must be comma-separated inner PD boundaries, strictly increasing, each strictly between 0 and 1; "" is not a number',
    ],
    [['--master-scale', '0.1,,0.3'], '"" is not a number'],
    [['--master-scale', '0.1,abc'], '"abc" is not a number'],
    [
      ['--master-scale', '0,0.5'],
      '--master-scale must be comma-separated inner PD boundaries, strictly increasing, each strictly between 0 and 1; 0 is not between 0 and 1',
    ],
    [['--master-scale', '0.5,1'], '1 is not between 0 and 1'],
    [['--master-scale', '0.3,0.2'], '0.3 then 0.2 does not increase'],
    [['--master-scale', '0.2,0.2'], '0.2 then 0.2 does not increase'],
    [
      ['--master-scale', Array.from({ length: 25 }, (_, i) => (i + 1) / 26).join(',')],
      '--master-scale must give at most 24 boundaries (25 grades), got 25',
    ],
    [['--grades', '5', '--master-scale', '0.2,0.4'], '--grades and --master-scale are mutually exclusive'],
  ])('%j is a usage error naming the option and the rule, before the data is read', async (args, message) => {
    const run = await train('refused.json', ...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toContain('reading');
  });

  it('stores and prints the grades it was asked for, under the same model version', async () => {
    const fitted = await train('fitted.json', '--grades', '5');
    const given = await train('given.json', '--master-scale', '0.1, 0.25,0.5');
    expect([fitted.code, given.code]).toEqual([0, 0]);
    const fittedArtifact = loadArtifact(join(dir, 'fitted.json'));
    const givenArtifact = loadArtifact(join(dir, 'given.json'));
    expect(fittedArtifact.masterScale?.grades).toHaveLength(5);
    expect(innerBoundaries(givenArtifact.masterScale as MasterScale)).toEqual([0.1, 0.25, 0.5]);
    expect(fittedArtifact.modelVersion).toBe(givenArtifact.modelVersion);
    expect((JSON.parse(fitted.stdout) as { masterScale: MasterScale }).masterScale).toEqual(fittedArtifact.masterScale);
    expect(given.stderr).toContain('master scale: 4 grades, inner PD boundaries 0.1, 0.25, 0.5; development rows per grade');
    for (const artifact of [fittedArtifact, givenArtifact]) {
      expect(counts(artifact.masterScale as MasterScale).reduce((sum, n) => sum + n, 0)).toBe(artifact.training.fittedRows);
    }
  });
});
