import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  generateChunks,
  generateColumns,
  generateRows,
  loadProfile,
  SCENARIO_NAMES,
  syntheticCustomerId,
} from '../../../datasets/generator';
import { spearmanMatrix } from '../../../datasets/rank-correlation';
import { loadArtifact } from '../../../src/model/artifact';
import { readFeatureCsvTable } from '../../../src/model/csv';
import { featureCsvHeader, featureCsvLines } from '../../../src/model/feature-csv-writer';
import { FEATURE_NAMES, FeatureColumns, FeatureName } from '../../../src/model/features';
import { artifactScorer } from '../../../src/model/scorer';
import { chiSquareTwoSample } from '../../../src/stats/chi-square';
import { rocAuc } from '../../../src/stats/classification-metrics';
import { ksTwoSample } from '../../../src/stats/ks';
import { describeWithShared, sharedPath } from '../../support/shared';

const profile = loadProfile();
const mean = (values: ArrayLike<number>): number => Array.from(values).reduce((s, v) => s + v, 0) / values.length;

/** p-value of a two-sample test suited to the feature: chi-square on categories, KS otherwise. */
function twoSamplePValue(name: FeatureName, a: Float64Array, b: Float64Array): number {
  if (profile.marginals[name].kind === 'categorical') {
    const categories = [...new Set([...a, ...b])].sort((x, y) => x - y);
    const count = (values: Float64Array): number[] => categories.map((c) => values.filter((v) => v === c).length);
    return chiSquareTwoSample(count(a), count(b)).pValue;
  }
  return ksTwoSample(a, b).pValue;
}

describeWithShared('generated data vs the real credit-g data (n = 1,000)', () => {
  let real: FeatureColumns;
  let realDefaultRate: number;
  beforeAll(async () => {
    const table = await readFeatureCsvTable(sharedPath('datasets', 'credit-g-monitoring.csv'), { requireLabels: true });
    real = table.columns;
    realDefaultRate = mean(table.actualDefault as Uint8Array);
  });

  it.each([11, 12, 13])('seed %i: no per-feature two-sample test rejects (Bonferroni over 8 features, α = 0.05)', (seed) => {
    const generated = generateColumns(profile, 1000, { seed }).columns;
    for (const name of FEATURE_NAMES) {
      const p = twoSamplePValue(name, real[name], generated[name]);
      if (!(p > 0.05 / FEATURE_NAMES.length)) throw new Error(`${name}: p = ${p}`);
    }
  });

  it.each([11, 12, 13])('seed %i: every Spearman rank correlation is within 0.1 of the real one', (seed) => {
    const generated = generateColumns(profile, 1000, { seed }).columns;
    const realRho = spearmanMatrix(FEATURE_NAMES.map((name) => real[name]));
    const generatedRho = spearmanMatrix(FEATURE_NAMES.map((name) => generated[name]));
    FEATURE_NAMES.forEach((a, i) =>
      FEATURE_NAMES.forEach((b, j) => {
        if (Math.abs(realRho[i][j] - generatedRho[i][j]) > 0.1)
          throw new Error(`${a}~${b}: real ${realRho[i][j]}, generated ${generatedRho[i][j]}`);
      }),
    );
  });

  it('has the real default rate', () => {
    expect(Math.abs(mean(generateColumns(profile, 20_000, { seed: 4 }).actualDefault) - realDefaultRate)).toBeLessThan(0.015);
  });
});

describe('generator fidelity to its profile (no ../shared needed)', () => {
  const big = generateColumns(profile, 40_000, { seed: 5 });

  it('reproduces the profile rank correlations closely at large n', () => {
    const rho = spearmanMatrix(FEATURE_NAMES.map((name) => big.columns[name]));
    profile.rankCorrelation.forEach((row, i) => row.forEach((target, j) => expect(Math.abs(rho[i][j] - target)).toBeLessThan(0.03)));
  });

  it('keeps discrete features on their observed values with their frequencies', () => {
    for (const name of FEATURE_NAMES) {
      const marginal = profile.marginals[name];
      if (marginal.kind !== 'categorical') continue;
      marginal.values.forEach((value, k) => {
        const share = big.columns[name].filter((v) => v === value).length / big.length;
        expect(Math.abs(share - marginal.probabilities[k])).toBeLessThan(0.01);
      });
    }
  });

  it('has the profile default rate, and the shipped model is calibrated on it', () => {
    expect(Math.abs(mean(big.actualDefault) - profile.defaultModel.baseRate)).toBeLessThan(0.01);
    const scores = artifactScorer(loadArtifact(resolve(__dirname, '../../../artifacts/model.json'))).score(big.columns);
    expect(Math.abs(mean(scores) - mean(big.actualDefault))).toBeLessThan(0.02);
    expect(rocAuc(big.actualDefault, scores)).toBeGreaterThan(0.7);
  });
});

describe('generator determinism and validity', () => {
  it('same seed, same rows; another seed, other rows; prefixes of a longer run agree', () => {
    const a = generateRows(profile, 300, { seed: 1 });
    expect(generateRows(profile, 300, { seed: 1 })).toEqual(a);
    expect(generateRows(profile, 300, { seed: 2 })).not.toEqual(a);
    expect(generateRows(profile, 100, { seed: 1 })).toEqual(a.slice(0, 100));
    expect(a[0].customerId).toBe('synthetic-0000001');
  });

  it('rows, columns and chunks agree', () => {
    const rows = generateRows(profile, 250, { seed: 3, scenario: 'segment_mix', strength: 0.5 });
    const columns = generateColumns(profile, 250, { seed: 3, scenario: 'segment_mix', strength: 0.5 });
    const chunks = [...generateChunks(profile, 250, { seed: 3, scenario: 'segment_mix', strength: 0.5 }, 64)];
    expect(chunks.map((c) => c.length)).toEqual([64, 64, 64, 58]);
    rows.forEach((row, i) => {
      const chunk = chunks[Math.floor(i / 64)];
      for (const name of FEATURE_NAMES) {
        expect(columns.columns[name][i]).toBe(row[name]);
        expect(chunk.columns[name][i % 64]).toBe(row[name]);
      }
      expect(columns.actualDefault[i]).toBe(row.actualDefault ? 1 : 0);
    });
  });

  it.each([undefined, ...SCENARIO_NAMES])('scenario %s respects the service validation ranges', (scenario) => {
    const strong: Record<string, number> = {
      income_drop: 0.9,
      older_applicants: 40,
      younger_applicants: 40,
      higher_utilization: 1,
      larger_loans: 3,
      higher_dti: 5,
    };
    const { columns } = generateColumns(profile, 5000, { seed: 8, scenario, strength: scenario ? strong[scenario] : undefined });
    const within = (name: FeatureName, low: number, high: number, integer: boolean, lowExclusive = false): void => {
      for (const v of columns[name]) {
        if (!(lowExclusive ? v > low : v >= low) || v > high || (integer && !Number.isInteger(v))) throw new Error(`${name} = ${v}`);
      }
    };
    within('age', 18, 100, true);
    within('annualIncome', 0, Infinity, false, true);
    within('debtToIncome', 0, 1, false);
    within('creditUtilization', 0, 1, false);
    within('numOpenAccounts', 0, 50, true);
    within('delinquencyCount', 0, 20, true);
    within('loanAmount', 0, Infinity, false, true);
    within('employmentYears', 0, 50, false);
  });

  it('rejects an unknown scenario and an out-of-range strength', () => {
    expect(() => generateRows(profile, 1, { seed: 1, scenario: 'income_drop', strength: 2 })).toThrow(/outside \[0, 0.95\]/);
  });

  it('the committed baseline sample is exactly what the generator produces (seed 20240101, prefix baseline)', () => {
    const committed = readFileSync(resolve(__dirname, '../../../datasets/baseline-sample.csv'), 'utf8');
    const sample = generateColumns(profile, 5000, { seed: 20240101, idPrefix: 'baseline' });
    expect(committed).toBe(
      featureCsvHeader(true) + featureCsvLines((i) => syntheticCustomerId('baseline', i), sample.columns, sample.actualDefault),
    );
  });
});

describe('drift scenarios move the right feature in the right direction', () => {
  const n = 4000;
  const base = generateColumns(profile, n, { seed: 21 });
  const drifted = (scenario: (typeof SCENARIO_NAMES)[number], strength?: number) =>
    generateColumns(profile, n, { seed: 21, scenario, strength });
  const unchangedExcept = (columns: FeatureColumns, changed: FeatureName[]): void => {
    for (const name of FEATURE_NAMES) if (!changed.includes(name)) expect(columns[name]).toEqual(base.columns[name]);
  };

  it('income_drop 0.2 lowers every income by 20%', () => {
    const { columns } = drifted('income_drop', 0.2);
    columns.annualIncome.forEach((v, i) => expect(v).toBeCloseTo(base.columns.annualIncome[i] * 0.8, 1));
    unchangedExcept(columns, ['annualIncome']);
  });

  it('older_applicants 5 / younger_applicants 5 shift ages by five years (within 18–100)', () => {
    const older = drifted('older_applicants', 5).columns;
    const younger = drifted('younger_applicants', 5).columns;
    older.age.forEach((v, i) => expect(v).toBe(Math.min(100, base.columns.age[i] + 5)));
    younger.age.forEach((v, i) => expect(v).toBe(Math.max(18, base.columns.age[i] - 5)));
    unchangedExcept(older, ['age']);
  });

  it('higher_utilization 0.1 adds ten points, clipped at 1', () => {
    const { columns } = drifted('higher_utilization', 0.1);
    columns.creditUtilization.forEach((v, i) => expect(v).toBeCloseTo(Math.min(1, base.columns.creditUtilization[i] + 0.1), 10));
    unchangedExcept(columns, ['creditUtilization']);
  });

  it('larger_loans 0.5 and higher_dti 0.3 scale loans and DTI up', () => {
    const loans = drifted('larger_loans', 0.5).columns;
    loans.loanAmount.forEach((v, i) => expect(v).toBeCloseTo(base.columns.loanAmount[i] * 1.5, 1));
    const dti = drifted('higher_dti', 0.3).columns;
    dti.debtToIncome.forEach((v, i) => expect(v).toBeCloseTo(Math.min(1, base.columns.debtToIncome[i] * 1.3), 3));
    unchangedExcept(loans, ['loanAmount']);
  });

  it('more_delinquencies 0.3 gives about 30% of applicants 3 delinquencies', () => {
    const { columns } = drifted('more_delinquencies', 0.3);
    let setToThree = 0;
    columns.delinquencyCount.forEach((v, i) => {
      if (v !== base.columns.delinquencyCount[i]) {
        expect(v).toBe(3);
        setToThree++;
      }
    });
    const alreadyThree = mean(base.columns.delinquencyCount.map((v) => (v === 3 ? 1 : 0)));
    expect(setToThree / n).toBeCloseTo(0.3 * (1 - alreadyThree), 1);
    expect(mean(columns.delinquencyCount)).toBeGreaterThan(mean(base.columns.delinquencyCount));
  });

  it('segment_mix 1.0 draws only applicants under 30; 0.5 about half plus the natural share', () => {
    expect(Math.max(...drifted('segment_mix', 1).columns.age)).toBeLessThan(30);
    const naturalShare = mean(base.columns.age.map((a) => (a < 30 ? 1 : 0)));
    const half = mean(drifted('segment_mix', 0.5).columns.age.map((a) => (a < 30 ? 1 : 0)));
    expect(half).toBeCloseTo(0.5 + 0.5 * naturalShare, 1);
  });

  it('concept_drift keeps the applications but raises defaults and weakens the shipped model', () => {
    const concept = drifted('concept_drift', 0.8);
    unchangedExcept(concept.columns, []);
    expect(mean(concept.actualDefault)).toBeGreaterThan(mean(base.actualDefault) + 0.1);
    const scores = artifactScorer(loadArtifact(resolve(__dirname, '../../../artifacts/model.json'))).score(base.columns);
    expect(rocAuc(concept.actualDefault, scores)).toBeLessThan(rocAuc(base.actualDefault, scores) - 0.1);
  });
});
