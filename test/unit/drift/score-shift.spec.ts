/**
 * Which features moved the scores: the contributions are exact (they sum to the change in the
 * mean log-odds, which is also the mean of the row-by-row logits) and the shifted feature ranks
 * first when one feature is shifted.
 */
import { generateBatch, loadBenchContext } from '../../../bench/drift-support';
import { ScenarioName } from '../../../datasets/generator';
import { checkDrift, checkDriftBinned } from '../../../src/drift-engine/check';
import { defaultColumnKinds } from '../../../src/drift-engine/columns';
import { buildBaselineProfile } from '../../../src/drift-engine/profile';
import { scoreShift } from '../../../src/drift-engine/score-shift';
import { sketchColumns } from '../../../src/drift-engine/sketch';
import { loadArtifact } from '../../../src/model/artifact';
import { FEATURE_NAMES } from '../../../src/model/features';
import { logOddsWeights } from '../../../src/model/linear-model';

const context = loadBenchContext();
const artifact = loadArtifact('artifacts/model.json');
const weights = logOddsWeights(artifact);
const baseline = generateBatch(context, 5000, 1);
const profile = buildBaselineProfile(baseline, defaultColumnKinds());

/** The model's logit of each row, computed directly from the artifact (not from the decomposition). */
function meanLogit(columns: Record<string, Float64Array>): number {
  const n = columns.age.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    let logit = artifact.intercept;
    FEATURE_NAMES.forEach((name, j) => {
      logit += (artifact.coefficients[j] * (columns[name][i] - artifact.standardization.mean[j])) / artifact.standardization.sd[j];
    });
    sum += logit;
  }
  return sum / n;
}

describe('score shift decomposition', () => {
  it('the scorer built from the artifact carries the same weights', () => {
    expect(context.scorer.logOddsWeights).toEqual(weights);
  });

  it.each<[ScenarioName | undefined]>([[undefined], ['income_drop'], ['larger_loans'], ['segment_mix'], ['loan_income_decoupled']])(
    '%s: contributions sum to the total to 1e-9, and the total is the change in mean logit',
    (scenario) => {
      const batch = generateBatch(context, 3000, 21, scenario);
      const shift = checkDrift(profile, batch, {}, { logOddsWeights: weights }).scoreShift!;
      const sum = shift.contributions.reduce((s, c) => s + c.contribution, 0);
      expect(Math.abs(sum - shift.total)).toBeLessThanOrEqual(1e-9);
      expect(Math.abs(shift.total - (meanLogit(batch) - meanLogit(baseline)))).toBeLessThanOrEqual(1e-9);
      expect(shift.contributions.reduce((s, c) => s + c.share, 0)).toBeCloseTo(1, 12);
      for (let k = 1; k < shift.contributions.length; k++) {
        expect(Math.abs(shift.contributions[k].contribution)).toBeLessThanOrEqual(Math.abs(shift.contributions[k - 1].contribution));
      }
    },
  );

  it.each<[ScenarioName, string]>([
    ['income_drop', 'annualIncome'],
    ['older_applicants', 'age'],
    ['younger_applicants', 'age'],
    ['higher_utilization', 'creditUtilization'],
    ['larger_loans', 'loanAmount'],
    ['higher_dti', 'debtToIncome'],
    ['more_delinquencies', 'delinquencyCount'],
  ])('%s: %s ranks first', (scenario, feature) => {
    // The same applicants before and after the shift (the generator keeps its base draws per
    // seed), so only the shifted feature's mean moves and the decomposition must say so.
    const before = buildBaselineProfile(generateBatch(context, 5000, 31), defaultColumnKinds());
    const shift = checkDrift(before, generateBatch(context, 5000, 31, scenario), {}, { logOddsWeights: weights }).scoreShift!;
    expect(shift.contributions[0].feature).toBe(feature);
    expect(shift.contributions[0].share).toBeGreaterThan(0.99);
  });

  it('window checks (binned sketches) give the same decomposition from sums', () => {
    const batch = generateBatch(context, 4000, 41, 'income_drop');
    const raw = checkDrift(profile, batch, {}, { logOddsWeights: weights }).scoreShift!;
    const binned = checkDriftBinned(profile, sketchColumns(profile, 'b', batch), {}, { logOddsWeights: weights }).scoreShift!;
    expect(binned.contributions.map((c) => c.feature)).toEqual(raw.contributions.map((c) => c.feature));
    expect(Math.abs(binned.total - raw.total)).toBeLessThanOrEqual(1e-9);
  });

  it('no weights: no decomposition; a feature without a finite mean: null, never a partial sum', () => {
    expect(checkDrift(profile, generateBatch(context, 100, 2)).scoreShift).toBeUndefined();
    expect(scoreShift(weights, { age: 30 }, { age: 31 })).toBeNull();
    const empty = { ...generateBatch(context, 100, 2), age: new Float64Array([NaN]) };
    expect(checkDrift(profile, empty, {}, { logOddsWeights: weights }).scoreShift).toBeNull();
  });

  it('nothing moved: total 0 and every share 0', () => {
    const means = Object.fromEntries(FEATURE_NAMES.map((name) => [name, profile.columns[name].mean]));
    const shift = scoreShift(weights, means, means)!;
    expect(shift.total).toBe(0);
    expect(shift.contributions.every((c) => c.share === 0)).toBe(true);
  });
});
