import { BASELINE_MIN_ROWS, BASELINE_SIZE_WARNING_RATIO } from '../../../src/drift-engine/baseline-size';
import { checkDrift } from '../../../src/drift-engine/check';
import { defaultColumnKinds, PREDICTION_COLUMN } from '../../../src/drift-engine/columns';
import { DEFAULT_DRIFT_CONFIG, resolveDriftConfig } from '../../../src/drift-engine/config';
import { buildBaselineProfile } from '../../../src/drift-engine/profile';
import { BaselineProfile } from '../../../src/drift-engine/profile-types';
import { DriftCheckResult, FeatureDriftResult } from '../../../src/drift-engine/result-types';
import { syntheticBatch } from './support/synthetic-batches';

const baseline = syntheticBatch(4000, 1);
const profile: BaselineProfile = buildBaselineProfile(baseline, defaultColumnKinds());

function feature(result: DriftCheckResult, name: string): FeatureDriftResult {
  const found = result.features.find((f) => f.feature === name);
  if (!found) throw new Error(`no result for ${name}`);
  return found;
}

describe('checkDrift verdicts', () => {
  it('a batch from the baseline distribution is STABLE with every column evaluated', () => {
    const result = checkDrift(profile, syntheticBatch(800, 2));
    expect(result.status).toBe('STABLE');
    // The eight features, the prediction and the joint-distribution (multivariate) column.
    expect(result.features).toHaveLength(10);
    expect(result.features.every((f) => f.evaluated && !f.drifted)).toBe(true);
    expect(result.notEvaluated).toEqual([]);
    expect(result.globalScore).toBe(0);
    expect(result.driftedShare).toBe(0);
    expect(result.rowCount).toBe(800);
  });

  it('a strong income drop is DRIFT with annualIncome flagged by KS and a material effect', () => {
    const result = checkDrift(profile, syntheticBatch(500, 3, 'income_drop', 2));
    expect(result.status).toBe('DRIFT');
    const income = feature(result, 'annualIncome');
    expect(income.drifted).toBe(true);
    expect(income.method).toBe('ks');
    expect(income.adjustedPValue as number).toBeLessThan(0.05);
    expect(income.effectSize as number).toBeGreaterThan(DEFAULT_DRIFT_CONFIG.wassersteinThreshold);
    expect(income.reason).toMatch(/^drift: KS/);
    expect(feature(result, 'numOpenAccounts').drifted).toBe(false);
    expect(result.globalScore).toBeGreaterThan(0);
  });

  it('more delinquencies is caught on the discrete column by chi-square', () => {
    const result = checkDrift(profile, syntheticBatch(400, 4, 'more_delinquencies'));
    const delinquencies = feature(result, 'delinquencyCount');
    expect(delinquencies.kind).toBe('discrete');
    expect(delinquencies.method).toBe('chi_square');
    expect(delinquencies.chiSquare?.dof).toBeGreaterThanOrEqual(1);
    expect(delinquencies.ks).toBeNull();
    expect(delinquencies.drifted).toBe(true);
    expect(delinquencies.histogram.edges).toEqual([0, 1, 2, 3]);
  });

  it('below minSampleSize the batch is INSUFFICIENT_DATA and nothing is evaluated', () => {
    const result = checkDrift(profile, syntheticBatch(29, 5, 'income_drop', 3));
    expect(result.status).toBe('INSUFFICIENT_DATA');
    expect(result.features.every((f) => !f.evaluated && !f.drifted && f.pValue === null)).toBe(true);
    expect(feature(result, 'age').reason).toMatch(/insufficient data: batch has 29 rows/);
    expect(result.notEvaluated).toHaveLength(10);
    // The report still shows the data that did arrive.
    expect(feature(result, 'age').histogram.current.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
  });

  it('a column containing NaN is "not evaluated", never "no drift"', () => {
    const batch = syntheticBatch(300, 6, 'income_drop', 3);
    batch.annualIncome[17] = NaN;
    const result = checkDrift(profile, batch);
    const income = feature(result, 'annualIncome');
    expect(income.evaluated).toBe(false);
    expect(income.drifted).toBe(false);
    expect(income.pValue).toBeNull();
    expect(income.reason).toMatch(/1 of 300 values are NaN or infinite/);
    // A row with a non-finite feature has no reconstruction error, so the multivariate column is
    // not evaluated either; the other columns are still checked (a family of 8).
    expect(result.notEvaluated).toEqual(['annualIncome', 'multivariate']);
    expect(result.features.filter((f) => f.evaluated)).toHaveLength(8);
  });

  it('a missing column is not evaluated and the rest still run', () => {
    const batch = syntheticBatch(300, 7);
    delete batch[PREDICTION_COLUMN];
    const result = checkDrift(profile, batch);
    expect(feature(result, PREDICTION_COLUMN).reason).toBe('column missing from the batch');
    expect(result.status).toBe('STABLE');
  });

  it('per-feature overrides: disabled columns leave the family, stricter gates stop a verdict', () => {
    const batch = syntheticBatch(500, 8, 'income_drop', 2);
    const disabled = checkDrift(profile, batch, { perFeature: { annualIncome: { enabled: false } } });
    expect(feature(disabled, 'annualIncome').evaluated).toBe(false);
    expect(feature(disabled, 'annualIncome').reason).toBe('disabled by configuration');

    const immaterial = checkDrift(profile, batch, {
      perFeature: { annualIncome: { wassersteinThreshold: 5, psiThreshold: 5 } },
    });
    const income = feature(immaterial, 'annualIncome');
    expect(income.evaluated).toBe(true);
    expect(income.drifted).toBe(false);
    expect(income.method).toBe('psi');
    expect(income.threshold).toBe(5);
    expect(income.reason).toMatch(/significant .* but not material/);

    const strictAlpha = checkDrift(profile, batch, { perFeature: { annualIncome: { alpha: 1e-300 } } });
    expect(feature(strictAlpha, 'annualIncome').drifted).toBe(false);
    expect(feature(strictAlpha, 'annualIncome').method).toBe('ks');
  });

  it('predictionDrift: false removes the prediction column', () => {
    const result = checkDrift(profile, syntheticBatch(300, 9), { predictionDrift: false });
    expect(feature(result, PREDICTION_COLUMN).evaluated).toBe(false);
    expect(feature(result, PREDICTION_COLUMN).reason).toMatch(/prediction drift is disabled/);
  });

  it('a very large batch with a trivial shift is significant but not material', () => {
    const big = buildBaselineProfile(syntheticBatch(40000, 10), defaultColumnKinds());
    const result = checkDrift(big, syntheticBatch(40000, 11, 'income_drop', 0.15)); // income −3%
    const income = feature(result, 'annualIncome');
    expect(income.adjustedPValue as number).toBeLessThan(0.05);
    expect(income.drifted).toBe(false);
    expect(income.method).toBe('psi');
    expect(result.status).toBe('STABLE');
  });

  it('gives the same result from a profile that went through JSON (JSONB storage)', () => {
    const batch = syntheticBatch(600, 12, 'older');
    const roundTripped = JSON.parse(JSON.stringify(profile)) as BaselineProfile;
    expect(checkDrift(roundTripped, batch)).toEqual(checkDrift(profile, batch));
  });

  it('results are JSON-safe: no NaN or Infinity anywhere', () => {
    const batch = syntheticBatch(300, 13, 'income_drop', 2);
    batch.age[0] = Infinity;
    const text = JSON.stringify(checkDrift(profile, batch), (_key, value: unknown) => {
      if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`non-finite number ${value}`);
      return value;
    });
    expect(text.length).toBeGreaterThan(0);
  });

  it('reports binned proportions and a ~50-point ECDF, never raw rows', () => {
    const result = checkDrift(profile, syntheticBatch(1000, 14));
    const age = feature(result, 'age');
    expect(age.histogram.reference.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    expect(age.histogram.current.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    expect(age.histogram.edges.length).toBe(age.histogram.reference.length + 1);
    expect(age.ecdf?.x.length).toBeLessThanOrEqual(50);
    expect(age.ecdf?.x.length).toBeGreaterThan(10);
    expect(feature(result, 'numOpenAccounts').ecdf).toBeUndefined();
  });

  it('every column carries a status: DRIFT/STABLE when judged, INSUFFICIENT_DATA or NOT_EVALUATED otherwise', () => {
    const drift = checkDrift(profile, syntheticBatch(500, 3, 'income_drop', 2));
    expect(feature(drift, 'annualIncome').status).toBe('DRIFT');
    for (const f of drift.features) expect(f.status).toBe(f.drifted ? 'DRIFT' : 'STABLE');

    const tooSmall = checkDrift(profile, syntheticBatch(29, 5));
    expect(tooSmall.features.every((f) => f.status === 'INSUFFICIENT_DATA')).toBe(true);

    const batch = syntheticBatch(300, 6);
    batch.annualIncome[3] = NaN;
    delete batch[PREDICTION_COLUMN];
    batch.loanAmount = batch.loanAmount.slice(0, 20); // the batch has 300 rows, this column 20
    const mixed = checkDrift(profile, batch, { perFeature: { age: { enabled: false } } });
    expect(feature(mixed, 'annualIncome').status).toBe('NOT_EVALUATED');
    expect(feature(mixed, PREDICTION_COLUMN).status).toBe('NOT_EVALUATED');
    expect(feature(mixed, 'age').status).toBe('NOT_EVALUATED');
    expect(feature(mixed, 'loanAmount').status).toBe('INSUFFICIENT_DATA');
    expect(feature(mixed, 'loanAmount').reason).toMatch(/column has 20 rows/);
    expect(feature(mixed, 'debtToIncome').status).toBe('STABLE');
    // The batch verdict is unchanged by the new field: judged columns decide it.
    expect(mixed.status).toBe('STABLE');
  });

  it('warns when the baseline is too small for the batch, and only then', () => {
    expect(BASELINE_MIN_ROWS).toBe(500);
    expect(BASELINE_SIZE_WARNING_RATIO).toBe(0.5);
    const small = buildBaselineProfile(syntheticBatch(300, 40), defaultColumnKinds());
    expect(checkDrift(small, syntheticBatch(150, 41)).warnings).toEqual([]);
    const warned = checkDrift(small, syntheticBatch(151, 42));
    expect(warned.warnings).toHaveLength(1);
    expect(warned.warnings[0]).toMatch(/baseline has only 300 rows and this check 151/);
    // The verdict itself is unchanged by the warning.
    expect(warned.status).toBe('STABLE');
    // A baseline of 500 rows or more is never warned about, whatever the batch size.
    const enough = buildBaselineProfile(syntheticBatch(500, 43), defaultColumnKinds());
    expect(checkDrift(enough, syntheticBatch(20000, 44)).warnings).toEqual([]);
    expect(checkDrift(profile, syntheticBatch(800, 2)).warnings).toEqual([]);
  });

  it('rejects invalid configuration', () => {
    expect(() => resolveDriftConfig({ alpha: 1.5 })).toThrow(/alpha must be in \(0, 1\)/);
    expect(() => resolveDriftConfig({ perFeature: { age: { psiThreshold: -1 } } })).toThrow(/perFeature.age.psiThreshold/);
  });
});

describe('calibration smoke test', () => {
  it('100 no-drift batches of 200 rows raise DRIFT at most ~10 times (deterministic by seed)', () => {
    let drift = 0;
    for (let trial = 0; trial < 100; trial++) {
      if (checkDrift(profile, syntheticBatch(200, 1000 + trial)).status === 'DRIFT') drift++;
    }
    expect(drift).toBeLessThanOrEqual(10);
  });

  it('an income drop of 20% is caught in at least 90 of 100 batches of 200 rows', () => {
    let drift = 0;
    for (let trial = 0; trial < 100; trial++) {
      if (checkDrift(profile, syntheticBatch(200, 2000 + trial, 'income_drop')).status === 'DRIFT') drift++;
    }
    expect(drift).toBeGreaterThanOrEqual(90);
  });
});
