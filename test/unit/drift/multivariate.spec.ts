/**
 * The joint-distribution (multivariate) column: correlation breaks that leave every marginal
 * unchanged are flagged, healthy batches are not, and the pieces (normal scores, eigen
 * decomposition, held-out reference errors) do what multivariate.ts says.
 */
import { generateBatch, loadBenchContext } from '../../../bench/drift-support';
import { ScenarioName } from '../../../datasets/generator';
import { checkDrift, checkDriftBinned } from '../../../src/drift-engine/check';
import { defaultColumnKinds } from '../../../src/drift-engine/columns';
import { gridBin } from '../../../src/drift-engine/grid';
import {
  MULTIVARIATE_COLUMN,
  MULTIVARIATE_MIN_ROWS,
  multivariateErrors,
  multivariateSplit,
  normalScoreTable,
  symmetricEigen,
} from '../../../src/drift-engine/multivariate';
import { buildBaselineProfile } from '../../../src/drift-engine/profile';
import { sketchColumns } from '../../../src/drift-engine/sketch';
import { FEATURE_NAMES } from '../../../src/model/features';
import { normalQuantile } from '../../../src/stats/normal-distribution';
import { mulberry32, randomNormal } from '../../../src/stats/random';

const context = loadBenchContext();
const baseline = generateBatch(context, 5000, 1);
const profile = buildBaselineProfile(baseline, defaultColumnKinds());
const multivariate = (result: ReturnType<typeof checkDrift>) => result.features.find((f) => f.feature === MULTIVARIATE_COLUMN)!;

describe('multivariate drift column', () => {
  const TRIALS = 20;
  const flaggedShare = (scenario: ScenarioName | undefined, n: number) => {
    let flagged = 0;
    for (let t = 0; t < TRIALS; t++) {
      if (multivariate(checkDrift(profile, generateBatch(context, n, 7000 + t, scenario))).drifted) flagged++;
    }
    return { column: flagged / TRIALS };
  };

  it.each<[ScenarioName]>([['loan_income_decoupled'], ['dti_income_decoupled'], ['employment_age_decoupled']])(
    '%s: every marginal unchanged, yet the multivariate column flags ≥ 90%% of 200-row batches',
    (scenario) => {
      const share = flaggedShare(scenario, 200);
      expect(share.column).toBeGreaterThanOrEqual(0.9);
    },
  );

  it('healthy batches are not flagged (at most 1 of 20 at 200 and at 1,000 rows)', () => {
    expect(flaggedShare(undefined, 200).column).toBeLessThanOrEqual(1 / TRIALS);
    expect(flaggedShare(undefined, 1000).column).toBeLessThanOrEqual(1 / TRIALS);
  });

  it('the per-feature tests alone cannot see a correlation break (why the column exists)', () => {
    const result = checkDrift(profile, generateBatch(context, 1000, 77, 'loan_income_decoupled'));
    expect(multivariate(result).drifted).toBe(true);
    expect(multivariate(result).adjustedPValue).toBeLessThan(1e-6);
    const others = result.features.filter((f) => f.feature !== MULTIVARIATE_COLUMN && f.feature !== 'prediction');
    expect(others.filter((f) => f.drifted).map((f) => f.feature)).toEqual([]);
  });

  it('its p-value is in the Holm family with the per-feature tests', () => {
    const result = checkDrift(profile, generateBatch(context, 300, 5, 'dti_income_decoupled'));
    const evaluated = result.features.filter((f) => f.evaluated);
    const sorted = evaluated.map((f) => f.pValue!).sort((a, b) => a - b);
    // The smallest p-value's Holm adjustment is m × p with m the family size, here including it.
    expect(evaluated.map((f) => f.feature)).toContain(MULTIVARIATE_COLUMN);
    const smallest = evaluated.find((f) => f.pValue === sorted[0])!;
    expect(smallest.adjustedPValue).toBeCloseTo(Math.min(1, sorted[0] * evaluated.length), 12);
  });

  it('the reference errors are the held-out half: fitted and reference rows are disjoint pairs', () => {
    const split = multivariateSplit(5000);
    expect(split.fit).toHaveLength(2500);
    expect(split.reference).toEqual(split.fit.map((k) => k + 1));
    const big = multivariateSplit(1_000_001);
    expect(big.fit).toHaveLength(10_000);
    expect(new Set([...big.fit, ...big.reference]).size).toBe(20_000);
    expect(Math.max(...big.reference)).toBeLessThan(1_000_001);
    // The profile's column holds exactly the reference rows' errors.
    const errors = multivariateErrors(profile.multivariate!, baseline, split.reference).sort();
    const column = profile.columns[MULTIVARIATE_COLUMN];
    if (column.kind !== 'numeric') throw new Error('multivariate must be numeric');
    expect(column.sample).toEqual(Array.from(errors));
  });

  it('the binned (window) path gives the same verdict as the raw path, and a profile survives JSON', () => {
    const batch = generateBatch(context, 2000, 9, 'loan_income_decoupled');
    const stored = JSON.parse(JSON.stringify(profile));
    const raw = multivariate(checkDrift(stored, batch));
    const binned = multivariate(checkDriftBinned(stored, sketchColumns(stored, 'b', batch)));
    expect(raw).toMatchObject({ evaluated: true, drifted: true });
    expect(binned).toMatchObject({ evaluated: true, drifted: true, sampleSize: 2000 });
    expect(multivariate(checkDrift(profile, batch)).pValue).toBe(raw.pValue);
  });

  it('below its own minimum the column is INSUFFICIENT_DATA while the per-feature tests still run', () => {
    const result = checkDrift(profile, generateBatch(context, MULTIVARIATE_MIN_ROWS - 1, 4, 'loan_income_decoupled'));
    expect(multivariate(result)).toMatchObject({ status: 'INSUFFICIENT_DATA', evaluated: false, drifted: false });
    expect(multivariate(result).reason).toMatch(/needs at least 50 rows/);
    expect(result.features.find((f) => f.feature === 'age')!.status).not.toBe('INSUFFICIENT_DATA');
    const enough = checkDrift(profile, generateBatch(context, MULTIVARIATE_MIN_ROWS, 4, 'loan_income_decoupled'));
    expect(multivariate(enough).status).toBe('DRIFT');
  });

  it('a missing feature leaves the column missing (reported), never silently stable', () => {
    const batch = generateBatch(context, 300, 3);
    delete batch.loanAmount;
    const column = multivariate(checkDrift(profile, batch));
    expect(column).toMatchObject({ evaluated: false, drifted: false, reason: 'column missing from the batch' });
  });

  it('a feature constant in the baseline stays out of the error: other values of it change nothing', () => {
    const columns = generateBatch(context, 2000, 8);
    columns.delinquencyCount.fill(0);
    const constant = buildBaselineProfile(columns, defaultColumnKinds());
    const batch = generateBatch(context, 300, 9);
    const zero = { ...batch, delinquencyCount: new Float64Array(300) };
    const three = { ...batch, delinquencyCount: new Float64Array(300).fill(3) };
    expect(Array.from(multivariateErrors(constant.multivariate!, three))).toEqual(
      Array.from(multivariateErrors(constant.multivariate!, zero)),
    );
  });

  it('a baseline with too few complete rows has no multivariate column', () => {
    const small = buildBaselineProfile(generateBatch(context, 150, 2), defaultColumnKinds());
    expect(small.multivariate).toBeUndefined();
    expect(small.columns[MULTIVARIATE_COLUMN]).toBeUndefined();
  });
});

describe('multivariate building blocks', () => {
  it('normalQuantile matches scipy.stats.norm.ppf to 1.2e-9 relative', () => {
    // scipy 1.17: norm.ppf of these probabilities.
    const cases: Array<[number, number]> = [
      [0.975, 1.959963984540054],
      [0.5, 0],
      [0.001, -3.090232306167813],
      [1e-6, -4.753424308822899],
      [0.9999, 3.719016485455709],
      [0.3, -0.5244005127080407],
    ];
    for (const [p, expected] of cases)
      expect(Math.abs(normalQuantile(p) - expected)).toBeLessThanOrEqual(1.2e-9 * Math.max(1, Math.abs(expected)));
    expect(() => normalQuantile(0)).toThrow(RangeError);
  });

  it('normal-score tables are monotone, right-closed, and give tied values one score', () => {
    const values = Float64Array.from([0, 0, 0, 0, 1, 1, 2, 3, 5, 8, 13, 21]).sort();
    const table = normalScoreTable(values, 200);
    for (let i = 1; i < table.scores.length; i++) expect(table.scores[i]).toBeGreaterThan(table.scores[i - 1]);
    // Every distinct value is an edge: 0's bin (−∞, 0] holds the 4 zeros, mid-rank 2/12.
    expect(table.edges).toEqual([0, 1, 2, 3, 5, 8, 13, 21]);
    expect(table.scores[0]).toBeCloseTo(normalQuantile(2 / 12), 12);
  });

  it('symmetricEigen reconstructs a symmetric matrix with orthonormal vectors, values descending', () => {
    const random = mulberry32(4);
    const d = 8;
    const a = Array.from({ length: d }, () => Array.from({ length: d }, () => randomNormal(random)));
    const m = a.map((row, i) => row.map((_, j) => a.reduce((s, r) => s + r[i] * r[j], 0)));
    const { values, vectors } = symmetricEigen(m);
    for (let k = 1; k < d; k++) expect(values[k]).toBeLessThanOrEqual(values[k - 1]);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        const rebuilt = values.reduce((s, lambda, k) => s + lambda * vectors[k][i] * vectors[k][j], 0);
        expect(Math.abs(rebuilt - m[i][j])).toBeLessThan(1e-9);
        const dot = vectors[i].reduce((s, v, k) => s + v * vectors[j][k], 0);
        expect(Math.abs(dot - (i === j ? 1 : 0))).toBeLessThan(1e-12);
      }
    }
  });

  it('the fast lookups give exactly the errors of a plain gridBin implementation, on edges and between them', () => {
    const model = profile.multivariate!;
    const batch = generateBatch(context, 3000, 12, 'loan_income_decoupled');
    // Put values exactly on table edges and just beside them, where right-closed bins decide.
    model.features.forEach((name, j) => {
      const edges = model.transforms[j].edges;
      for (let i = 0; i < 300; i++) {
        const edge = edges[i % edges.length];
        batch[name][i] = i % 3 === 0 ? edge : i % 3 === 1 ? edge * (1 + 1e-12) + 1e-12 : edge - 1e-9;
      }
    });
    const plain = new Float64Array(3000);
    for (let r = 0; r < 3000; r++) {
      const centered = model.features.map(
        (name, j) => model.transforms[j].scores[gridBin(model.transforms[j].edges, batch[name][r])] - model.center[j],
      );
      let error = 0;
      for (const row of model.loadings) {
        let projection = 0;
        for (let j = 0; j < row.length; j++) projection += row[j] * centered[j];
        error += projection * projection;
      }
      plain[r] = error;
    }
    expect(Array.from(multivariateErrors(model, batch))).toEqual(Array.from(plain));
  });

  it('the model reads every model feature and flags a row that breaks the income–loan relation', () => {
    const model = profile.multivariate!;
    expect(model.features).toEqual([...FEATURE_NAMES]);
    expect(model.explainedVariance).toBeGreaterThanOrEqual(0.65);
    const row = (income: number, loan: number) => {
      const columns: Record<string, Float64Array> = {};
      for (const name of FEATURE_NAMES) columns[name] = Float64Array.of(profile.columns[name].quantiles.find((q) => q.p === 0.5)!.value);
      columns.annualIncome[0] = profile.columns.annualIncome.quantiles.find((q) => q.p === income)!.value;
      columns.loanAmount[0] = profile.columns.loanAmount.quantiles.find((q) => q.p === loan)!.value;
      return multivariateErrors(model, columns)[0];
    };
    // A high income with a high loan is ordinary; a high income with a tiny loan is not.
    expect(row(0.95, 0.05)).toBeGreaterThan(5 * row(0.95, 0.95));
  });
});
