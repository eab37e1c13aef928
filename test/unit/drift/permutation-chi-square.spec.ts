/**
 * The small-count homogeneity test of discrete columns (src/drift-engine/permutation-chi-square.ts)
 * against exact permutation p-values enumerated with SciPy (scripts/reference/permutation_chi_square.py),
 * its level under "same distribution", and the column verdicts it fixes: a discrete column whose
 * sparse categories used to merge into one untestable group.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkDrift, checkDriftBinned } from '../../../src/drift-engine/check';
import {
  homogeneityTest,
  MIN_EXPECTED_COUNT,
  PERMUTATION_HITS,
  PERMUTATION_MAX_DRAWS,
} from '../../../src/drift-engine/permutation-chi-square';
import { buildBaselineProfile } from '../../../src/drift-engine/profile';
import { sketchColumns } from '../../../src/drift-engine/sketch';
import { deriveSeed, mulberry32, RandomSource } from '../../../src/stats/random';

interface PermutationCase {
  name: string;
  reference: number[];
  current: number[];
  statistic: number;
  dof: number;
  asymptoticPValue: number;
  exactPermutationPValue: number;
}

const reference = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'reference', 'permutation-chi-square.json'), 'utf8')) as {
  permutation: PermutationCase[];
};

function minExpected(ref: number[], cur: number[]): number {
  const totals = ref.map((r, k) => r + cur[k]).filter((t) => t > 0);
  const nRef = ref.reduce((s, v) => s + v, 0);
  const nCur = cur.reduce((s, v) => s + v, 0);
  return (Math.min(nRef, nCur) * Math.min(...totals)) / (nRef + nCur);
}

/** Counts of `n` draws from category probabilities. */
function multinomial(random: RandomSource, n: number, probabilities: number[]): number[] {
  const counts = probabilities.map(() => 0);
  for (let i = 0; i < n; i++) {
    let u = random();
    let k = 0;
    while (k < probabilities.length - 1 && u >= probabilities[k]) u -= probabilities[k++];
    counts[k]++;
  }
  return counts;
}

describe('homogeneityTest against SciPy-enumerated exact permutation p-values', () => {
  it.each(reference.permutation.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const test = homogeneityTest(c.reference, c.current);
    expect(test.statistic).toBeCloseTo(c.statistic, 9);
    expect(test.dof).toBe(c.dof);
    const sparse = minExpected(c.reference, c.current) < MIN_EXPECTED_COUNT;
    if (!sparse) {
      expect(test.pValueMethod).toBe('asymptotic');
      expect(Math.abs(test.pValue - c.asymptoticPValue)).toBeLessThanOrEqual(1e-12);
    } else if (c.dof === 1) {
      expect(test.pValueMethod).toBe('exact');
      // Relative 1e-9: the probabilities come from log-factorials of numbers up to 5,000.
      expect(Math.abs(test.pValue - c.exactPermutationPValue)).toBeLessThanOrEqual(1e-9 * c.exactPermutationPValue);
    } else {
      expect(test.pValueMethod).toBe('monte_carlo');
      const draws = test.draws as number;
      const p = c.exactPermutationPValue;
      // Besag–Clifford: within Monte-Carlo error of the exact value (4 binomial sds, plus the floor).
      expect(Math.abs(test.pValue - p)).toBeLessThanOrEqual(4 * Math.sqrt((p * (1 - p)) / draws) + 2 / draws);
    }
  });

  it('is deterministic: the Monte-Carlo stream is seeded by the table', () => {
    const a = homogeneityTest([40, 20, 10, 1], [25, 15, 8, 2]);
    const b = homogeneityTest([40, 20, 10, 1], [25, 15, 8, 2]);
    expect(a).toEqual(b);
    expect(a.pValueMethod).toBe('monte_carlo');
  });

  it('stops early when the statistic is ordinary and floors at 1/(draws + 1) when it is extreme', () => {
    const ordinary = homogeneityTest([2000, 1000, 500, 50], [24, 13, 7, 1]);
    expect(ordinary.draws).toBeLessThan(4 * PERMUTATION_HITS);
    const extreme = homogeneityTest([2000, 1000, 500, 50], [0, 0, 10, 20]);
    expect(extreme.draws).toBe(PERMUTATION_MAX_DRAWS);
    expect(extreme.pValue).toBe(1 / (PERMUTATION_MAX_DRAWS + 1));
  });

  it('drops empty categories and has no test for an empty row or a single category', () => {
    expect(homogeneityTest([10, 0, 5], [3, 0, 4]).dof).toBe(1);
    expect(Number.isNaN(homogeneityTest([10, 5], [0, 0]).pValue)).toBe(true);
    expect(Number.isNaN(homogeneityTest([10, 0], [3, 0]).pValue)).toBe(true);
  });

  it('holds its level on sparse tables drawn from one distribution (exact and Monte-Carlo)', () => {
    // Per distribution: 1,000 baselines of 500 rows and batches of 30, both from it.
    const distributions = [
      [0.97, 0.02, 0.01],
      [0.57, 0.05, 0.09, 0.29],
      [0.99, 0.01],
    ];
    distributions.forEach((probabilities, index) => {
      const random = mulberry32(deriveSeed(77, index));
      let at5 = 0;
      let at1 = 0;
      const replications = 1000;
      for (let r = 0; r < replications; r++) {
        const test = homogeneityTest(multinomial(random, 500, probabilities), multinomial(random, 30, probabilities));
        if (test.pValue <= 0.05) at5++;
        if (test.pValue <= 0.01) at1++;
      }
      // Valid tests: at most the level, plus 2 binomial sds of simulation error.
      expect(at5 / replications).toBeLessThanOrEqual(0.05 + 2 * Math.sqrt((0.05 * 0.95) / replications));
      expect(at1 / replications).toBeLessThanOrEqual(0.01 + 2 * Math.sqrt((0.01 * 0.99) / replications));
    });
  });
});

describe('discrete columns with sparse categories in checkDrift', () => {
  // A 5,000-row baseline, 99% in category 0 and 1% in category 1: at 30–130 rows every merged
  // table used to collapse into one group, "not evaluated", and the batch read STABLE.
  const rare = buildBaselineProfile({ flag: Float64Array.from({ length: 5000 }, (_v, i) => (i < 4950 ? 0 : 1)) }, { flag: 'discrete' });

  it.each([30, 60, 100, 130, 150])('a batch of %i rows entirely in the 1% category is DRIFT, on raw rows and on its sketch', (n) => {
    const batch = { flag: new Float64Array(n).fill(1) };
    const result = checkDrift(rare, batch);
    const flag = result.features[0];
    expect(result.status).toBe('DRIFT');
    expect(flag.status).toBe('DRIFT');
    expect(flag.evaluated).toBe(true);
    expect(flag.chiSquare?.pValueMethod).toBe(n < 150 ? 'exact' : 'asymptotic');
    expect(flag.pValue as number).toBeLessThan(1e-40);
    expect(flag.reason).toMatch(n < 150 ? /^drift: chi-square \(exact permutation p\)/ : /^drift: chi-square p=/);
    const binned = checkDriftBinned(rare, sketchColumns(rare, 'b', batch));
    expect(binned.status).toBe('DRIFT');
    expect(binned.features[0].chiSquare).toEqual(flag.chiSquare);
  });

  it('a batch at the baseline mix is STABLE, with an exact p-value', () => {
    const result = checkDrift(rare, { flag: Float64Array.from({ length: 60 }, (_v, i) => (i < 59 ? 0 : 1)) });
    expect(result.status).toBe('STABLE');
    expect(result.features[0].status).toBe('STABLE');
    expect(result.features[0].chiSquare?.pValueMethod).toBe('exact');
    expect(result.features[0].pValue as number).toBeGreaterThan(0.3);
  });

  it('raw and binned paths give the same Monte-Carlo p-value on a sparse multi-category column', () => {
    const random = mulberry32(5);
    const probabilities = [0.63, 0.33, 0.03, 0.01];
    const draw = (n: number) =>
      Float64Array.from(multinomial(random, n, probabilities).flatMap((c, k) => new Array<number>(c).fill(k + 1)));
    const profile = buildBaselineProfile({ accounts: draw(4000) }, { accounts: 'discrete' });
    // Mass moves into the rarest category: 1% → 10%.
    const batch = { accounts: draw(45) };
    const shifted = { accounts: Float64Array.from([...batch.accounts.subarray(0, 40), 4, 4, 4, 4, 4]) };
    const raw = checkDrift(profile, shifted);
    const binned = checkDriftBinned(profile, sketchColumns(profile, 'b', shifted));
    expect(raw.features[0].chiSquare?.pValueMethod).toBe('monte_carlo');
    expect(binned.features[0]).toEqual(raw.features[0]);
    expect(raw.status).toBe('DRIFT');
  });
});
