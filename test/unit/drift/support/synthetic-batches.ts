/**
 * A tiny, self-contained stand-in for the data generator, so the drift-engine tests depend on
 * nothing but the engine: credit-like columns with the same kinds of shapes as the real data
 * (integer ages, skewed amounts, heaped categorical utilization and employment, small counts),
 * a logistic "prediction", and a few shifts. Deterministic by seed.
 */
import { DRIFT_COLUMNS } from '../../../../src/drift-engine/columns';
import { mulberry32, randomNormal, RandomSource } from '../../../../src/stats/random';

export type Shift = 'none' | 'income_drop' | 'older' | 'more_delinquencies';

function categorical(random: RandomSource, values: number[], probabilities: number[]): number {
  let u = random();
  for (let i = 0; i < values.length - 1; i++) {
    if (u < probabilities[i]) return values[i];
    u -= probabilities[i];
  }
  return values[values.length - 1];
}

const clip = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);

export function syntheticBatch(n: number, seed: number, shift: Shift = 'none', strength = 1): Record<string, Float64Array> {
  const random = mulberry32(seed);
  const names = DRIFT_COLUMNS;
  const columns: Record<string, Float64Array> = {};
  for (const name of names) columns[name] = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const z = randomNormal(random);
    let age = Math.round(clip(36 + 11 * (0.8 * z + 0.6 * randomNormal(random)), 19, 75));
    let income = Math.exp(10.9 + 0.45 * randomNormal(random) + 0.1 * z);
    const loan = Math.exp(7.9 + 0.7 * randomNormal(random));
    const dti = clip(Math.round(((loan * 20) / income / 8) * 10000) / 10000, 0.05, 0.95);
    const utilization = categorical(random, [0.36, 0.47, 0.57, 0.66, 0.72, 0.85], [0.15, 0.2, 0.25, 0.15, 0.15, 0.1]);
    const accounts = categorical(random, [1, 2, 3, 4], [0.63, 0.33, 0.03, 0.01]);
    let delinquencies = categorical(random, [0, 1, 2, 3], [0.57, 0.05, 0.09, 0.29]);
    const employment = categorical(random, [0, 0.5, 2.5, 5.5, 8], [0.06, 0.17, 0.34, 0.17, 0.26]);
    if (shift === 'income_drop') income *= 1 - 0.2 * strength;
    if (shift === 'older') age += 5 * strength;
    if (shift === 'more_delinquencies' && random() < 0.3 * strength) delinquencies = 3;
    const logit = -2.2 + 2 * utilization + 1.5 * dti + 0.35 * delinquencies - 0.04 * employment - 0.01 * (age - 35);
    columns.age[i] = age;
    columns.annualIncome[i] = Math.round(income * 100) / 100;
    columns.debtToIncome[i] = dti;
    columns.creditUtilization[i] = utilization;
    columns.numOpenAccounts[i] = accounts;
    columns.delinquencyCount[i] = delinquencies;
    columns.loanAmount[i] = Math.round(loan * 100) / 100;
    columns.employmentYears[i] = employment;
    columns.prediction[i] = 1 / (1 + Math.exp(-logit));
  }
  return columns;
}
