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
    expect(result.features).toHaveLength(9);
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
    expect(result.notEvaluated).toHaveLength(9);
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
    expect(result.notEvaluated).toEqual(['annualIncome']);
    // The other columns are still checked, and the family for multiple testing has 8 members.
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
