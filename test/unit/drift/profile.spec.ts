import { countCategories, countSortedIntoEdges, psiEdgesFromSorted } from '../../../src/drift-engine/binning';
import { checkDrift } from '../../../src/drift-engine/check';
import { defaultColumnKinds } from '../../../src/drift-engine/columns';
import { alignCategories } from '../../../src/drift-engine/discrete-comparison';
import { buildBaselineProfile, quantileSample } from '../../../src/drift-engine/profile';
import { FEATURE_NAMES } from '../../../src/model/features';
import { syntheticBatch } from './support/synthetic-batches';

describe('buildBaselineProfile', () => {
  const columns = syntheticBatch(3000, 21);
  const profile = buildBaselineProfile(columns, defaultColumnKinds());

  it('profiles nine columns and the multivariate column with the right kinds', () => {
    expect(Object.keys(profile.columns)).toHaveLength(10);
    expect(profile.columns.delinquencyCount.kind).toBe('discrete');
    expect(profile.columns.numOpenAccounts.kind).toBe('discrete');
    expect(profile.columns.prediction.kind).toBe('numeric');
    expect(profile.rowCount).toBe(3000);
    // The multivariate model is fitted on one half of the rows; the other half's errors are its column.
    expect(profile.multivariate).toMatchObject({ fitRows: 1500, referenceRows: 1500, features: [...FEATURE_NAMES] });
    expect(profile.columns.multivariate).toMatchObject({ kind: 'numeric', count: 1500, sampleIsComplete: true });
  });

  it('keeps all sorted values below the sample limit, and PSI bins that are never empty', () => {
    const age = profile.columns.age;
    if (age.kind !== 'numeric') throw new Error('age must be numeric');
    expect(age.sampleIsComplete).toBe(true);
    expect(age.sample).toHaveLength(3000);
    expect(age.sample).toEqual([...age.sample].sort((a, b) => a - b));
    expect(age.psiBins.counts.every((c) => c > 0)).toBe(true);
    expect(age.psiBins.counts.reduce((s, c) => s + c, 0)).toBe(3000);
    expect(age.quantiles.find((q) => q.p === 0.5)?.value).toBe((age.sample[1499] + age.sample[1500]) / 2);
  });

  it('heavily tied columns get fewer PSI bins, deduplicated, none at the maximum', () => {
    const employment = profile.columns.employmentYears;
    if (employment.kind !== 'numeric') throw new Error('numeric expected');
    expect(employment.psiBins.edges.length).toBeLessThan(9);
    expect(new Set(employment.psiBins.edges).size).toBe(employment.psiBins.edges.length);
    expect(Math.max(...employment.psiBins.edges)).toBeLessThan(employment.max);
  });

  it('above the sample limit keeps an evenly spaced quantile sample and checks still work', () => {
    const small = buildBaselineProfile(columns, defaultColumnKinds(), { sampleLimit: 500 });
    const income = small.columns.annualIncome;
    if (income.kind !== 'numeric') throw new Error('numeric expected');
    expect(income.sampleIsComplete).toBe(false);
    expect(income.sample).toHaveLength(500);
    expect(income.count).toBe(3000);
    const result = checkDrift(small, syntheticBatch(400, 22, 'income_drop', 2));
    const incomeResult = result.features.find((f) => f.feature === 'annualIncome');
    expect(incomeResult?.drifted).toBe(true);
  });

  it('excludes and counts non-finite baseline values; rejects an all-NaN column', () => {
    const withNaN = { x: Float64Array.from([1, NaN, 3, Infinity, 2]) };
    const p = buildBaselineProfile(withNaN, { x: 'numeric' });
    expect(p.columns.x.count).toBe(3);
    expect(p.columns.x.nonFiniteCount).toBe(2);
    expect(() => buildBaselineProfile({ y: Float64Array.from([NaN]) }, { y: 'numeric' })).toThrow(/no finite values/);
  });

  it('a discrete profile stores category counts', () => {
    const p = buildBaselineProfile({ k: Float64Array.from([0, 1, 1, 3, 3, 3]) }, { k: 'discrete' });
    const k = p.columns.k;
    if (k.kind !== 'discrete') throw new Error('discrete expected');
    expect(k.categories).toEqual([0, 1, 3]);
    expect(k.counts).toEqual([1, 2, 3]);
  });
});

describe('binning helpers', () => {
  it('quantile sample picks sorted[floor((i + 0.5)·n/size)]', () => {
    expect(quantileSample(Float64Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), 5)).toEqual([1, 3, 5, 7, 9]);
  });
  it('PSI edges are data values and bins are right-closed', () => {
    const sorted = Float64Array.from([1, 1, 1, 1, 2, 2, 3, 4, 5, 6]);
    const edges = psiEdgesFromSorted(sorted);
    expect(edges).toEqual([1, 2, 3, 4, 5]);
    expect(countSortedIntoEdges(sorted, edges)).toEqual([4, 2, 1, 1, 1, 1]);
  });
});

describe('discrete categories', () => {
  it('unseen current categories are kept (reference count 0), not folded away', () => {
    const p = buildBaselineProfile({ k: Float64Array.from([0, 0, 1, 1, 2]) }, { k: 'discrete' });
    const k = p.columns.k;
    if (k.kind !== 'discrete') throw new Error('discrete expected');
    expect(alignCategories(k, countCategories([0, 7, 7]))).toEqual({
      categories: [0, 1, 2, 7],
      reference: [2, 2, 1, 0],
      current: [1, 0, 0, 2],
    });
  });
  it('sparse categories are tested unmerged, with a permutation p-value (permutation-chi-square.spec.ts)', () => {
    // Category 3 (1% of the baseline) expects 0.5 of 50 rows: once merged into 2, now kept.
    const p = buildBaselineProfile(
      { k: Float64Array.from([...Array(40).fill(0), ...Array(20).fill(1), ...Array(10).fill(2), 3]) },
      { k: 'discrete' },
    );
    const result = checkDrift(p, { k: Float64Array.from([...Array(25).fill(0), ...Array(15).fill(1), ...Array(8).fill(2), 3, 3]) });
    const k = result.features[0];
    expect(k.chiSquare?.dof).toBe(3);
    expect(k.chiSquare?.pValueMethod).toBe('monte_carlo');
  });
});
