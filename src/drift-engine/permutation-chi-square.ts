/**
 * Chi-square test of homogeneity for a 2 × K table (reference counts vs current counts) that is
 * valid at any expected count: the asymptotic chi-square p-value where every expected count is at
 * least 5 (Cochran's rule, where it is accurate), otherwise a permutation p-value for the same
 * Pearson statistic on the unmerged table — exact for K = 2, Monte-Carlo for K ≥ 3.
 *
 * Why permutation rather than merging sparse categories: merging pools a rare category into its
 * neighbour, so a batch that moves into the rare category is compared on a table where that move
 * is diluted or gone (a batch entirely in a 1% category merged into one group and could not be
 * tested at all). The permutation test conditions on the category totals and the two row sizes —
 * under "same distribution" every split of the pooled rows into N reference and n current rows is
 * equally likely — so its level is exact whatever the counts, with no merging.
 *
 * Determinism: the Monte-Carlo generator is seeded from the table itself, so the same counts always
 * give the same p-value (checkDrift stays a pure function), and the raw and binned paths, which
 * see identical category counts, agree. The Monte-Carlo p-value follows Besag & Clifford's
 * sequential scheme (1991): draw permuted tables until PERMUTATION_HITS of them reach the observed
 * statistic (p = hits / draws) or PERMUTATION_MAX_DRAWS are drawn (p = (hits + 1) / (draws + 1));
 * both are valid p-values, the first stops early on the typical no-drift batch.
 */
import { chiSquareTwoSample } from '../stats/chi-square';
import { deriveSeed, mulberry32, RandomSource } from '../stats/random';
import { logFactorial } from '../stats/special-functions';

/** Cochran's rule: the asymptotic chi-square p-value is trusted when every expected count is ≥ 5. */
export const MIN_EXPECTED_COUNT = 5;
/**
 * Monte-Carlo draws at most: the smallest attainable p-value is 1/2,000, ten times below the
 * smallest Holm level of a ten-column family at alpha 0.05 (0.005), so a clear shift is never
 * lost to resolution; a p-value at that floor reads "≤ 0.0005".
 */
export const PERMUTATION_MAX_DRAWS = 1999;
/** Stop after this many permuted tables reach the observed statistic (relative error ≈ 1/√50). */
export const PERMUTATION_HITS = 50;
/** Statistics equal up to rounding count as reaching the observed one (ties go to the null). */
const TIE_TOLERANCE = 1e-9;
const SEED_LABEL = 0x2b1e;

export type ChiSquarePValueMethod = 'asymptotic' | 'exact' | 'monte_carlo';

export interface HomogeneityTest {
  statistic: number;
  dof: number;
  pValue: number;
  /** How pValue was computed: chi-square distribution, exact permutation, Monte-Carlo permutation. */
  pValueMethod: ChiSquarePValueMethod;
  /** Monte-Carlo only: permuted tables drawn. */
  draws?: number;
  /** Smallest expected count in the (unmerged) table. */
  minExpected: number;
}

function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

/**
 * Pearson's statistic of a 2 × K table from one row: with row sizes R (this row) and T − R and
 * column totals t_k, X² = T² / (R (T − R)) · Σ (x_k − R t_k / T)² / t_k (both rows' terms folded
 * into one, so the statistic is the same whichever row is given).
 */
function statisticFromRow(row: ArrayLike<number>, totals: ArrayLike<number>, rowSize: number, grand: number): number {
  let sum = 0;
  for (let k = 0; k < totals.length; k++) {
    const d = row[k] - (rowSize * totals[k]) / grand;
    sum += (d * d) / totals[k];
  }
  return ((grand * grand) / (rowSize * (grand - rowSize))) * sum;
}

/**
 * One draw from the hypergeometric distribution (`draws` items from `population`, of which
 * `successes` are marked) by inversion from the mode outwards (expected steps ≈ its sd), the
 * mode's probability supplied by the caller (it is cached per stage).
 */
function hypergeometricFromMode(
  random: RandomSource,
  population: number,
  successes: number,
  draws: number,
  mode: number,
  modeProbability: number,
): number {
  const lowest = Math.max(0, draws - (population - successes));
  const highest = Math.min(draws, successes);
  let u = random() - modeProbability;
  if (u <= 0) return mode;
  let up = mode;
  let upProbability = modeProbability;
  let down = mode;
  let downProbability = modeProbability;
  const failures = population - successes;
  while (up < highest || down > lowest) {
    if (up < highest) {
      upProbability *= ((successes - up) * (draws - up)) / ((up + 1) * (failures - draws + up + 1));
      up++;
      u -= upProbability;
      if (u <= 0) return up;
    }
    if (down > lowest) {
      downProbability *= (down * (failures - draws + down)) / ((successes - down + 1) * (draws - down + 1));
      down--;
      u -= downProbability;
      if (u <= 0) return down;
    }
  }
  return mode; // rounding left a sliver of probability unassigned
}

function hypergeometricMode(population: number, successes: number, draws: number): { mode: number; probability: number } {
  const lowest = Math.max(0, draws - (population - successes));
  const highest = Math.min(draws, successes);
  const mode = Math.min(highest, Math.max(lowest, Math.floor(((draws + 1) * (successes + 1)) / (population + 2))));
  const logP = logChoose(successes, mode) + logChoose(population - successes, draws - mode) - logChoose(population, draws);
  return { mode, probability: Math.exp(logP) };
}

/** Exact permutation p-value for K = 2: the hypergeometric tail(s) at least as extreme. */
function exactTwoCategoryPValue(totals: number[], rowSize: number, grand: number, observed: number): number {
  const lowest = Math.max(0, rowSize - totals[1]);
  const highest = Math.min(rowSize, totals[0]);
  const logDenominator = logChoose(grand, rowSize);
  const threshold = observed * (1 - TIE_TOLERANCE);
  let p = 0;
  const candidate = [0, 0];
  for (let x = lowest; x <= highest; x++) {
    candidate[0] = x;
    candidate[1] = rowSize - x;
    if (statisticFromRow(candidate, totals, rowSize, grand) >= threshold) {
      p += Math.exp(logChoose(totals[0], x) + logChoose(totals[1], rowSize - x) - logDenominator);
    }
  }
  return Math.min(1, p);
}

/** The generator seed of a table: a hash of its counts (same table → same Monte-Carlo stream). */
function tableSeed(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  const labels: number[] = [];
  for (let k = 0; k < reference.length; k++) labels.push(reference[k], current[k]);
  return deriveSeed(SEED_LABEL, reference.length, ...labels);
}

function monteCarloPValue(
  totals: number[],
  rowSize: number,
  grand: number,
  observed: number,
  seed: number,
): { pValue: number; draws: number } {
  const random = mulberry32(seed);
  const k = totals.length;
  const threshold = observed * (1 - TIE_TOLERANCE);
  // Stage j draws category j's count from what is left; the mode and its probability depend only
  // on (j, rows left to place), so they are cached.
  const populationBefore: number[] = [];
  let remaining = grand;
  for (let j = 0; j < k; j++) {
    populationBefore.push(remaining);
    remaining -= totals[j];
  }
  const modes = new Map<number, { mode: number; probability: number }>();
  const drawn = new Float64Array(k);
  let hits = 0;
  for (let draw = 1; draw <= PERMUTATION_MAX_DRAWS; draw++) {
    let left = rowSize;
    for (let j = 0; j < k - 1; j++) {
      if (left === 0) {
        drawn[j] = 0;
        continue;
      }
      const key = j * (rowSize + 1) + left;
      let mode = modes.get(key);
      if (!mode) {
        mode = hypergeometricMode(populationBefore[j], totals[j], left);
        modes.set(key, mode);
      }
      const x = hypergeometricFromMode(random, populationBefore[j], totals[j], left, mode.mode, mode.probability);
      drawn[j] = x;
      left -= x;
    }
    drawn[k - 1] = left;
    if (statisticFromRow(drawn, totals, rowSize, grand) >= threshold) {
      hits++;
      if (hits === PERMUTATION_HITS) return { pValue: hits / draw, draws: draw };
    }
  }
  return { pValue: (hits + 1) / (PERMUTATION_MAX_DRAWS + 1), draws: PERMUTATION_MAX_DRAWS };
}

/**
 * The homogeneity test of reference vs current counts over the same categories. Categories with
 * no count in either row carry no information and are dropped. Needs two non-empty rows and at
 * least two non-empty categories (else statistic 0, dof 0, p-value NaN: nothing to test).
 */
export function homogeneityTest(reference: ArrayLike<number>, current: ArrayLike<number>): HomogeneityTest {
  if (reference.length !== current.length) throw new RangeError('homogeneityTest: count vectors must cover the same categories');
  const ref: number[] = [];
  const cur: number[] = [];
  for (let k = 0; k < reference.length; k++) {
    if (reference[k] + current[k] > 0) {
      ref.push(reference[k]);
      cur.push(current[k]);
    }
  }
  const nReference = ref.reduce((s, v) => s + v, 0);
  const nCurrent = cur.reduce((s, v) => s + v, 0);
  const grand = nReference + nCurrent;
  if (ref.length < 2 || nReference === 0 || nCurrent === 0) {
    return { statistic: 0, dof: 0, pValue: NaN, pValueMethod: 'asymptotic', minExpected: 0 };
  }
  const totals = ref.map((r, k) => r + cur[k]);
  const asymptotic = chiSquareTwoSample(ref, cur);
  const minExpected = (Math.min(nReference, nCurrent) * Math.min(...totals)) / grand;
  if (minExpected >= MIN_EXPECTED_COUNT) return { ...asymptotic, pValueMethod: 'asymptotic', minExpected };

  // Permute the smaller row: the statistic is symmetric in the rows and the draws are cheaper.
  const useCurrent = nCurrent <= nReference;
  const row = useCurrent ? cur : ref;
  const rowSize = useCurrent ? nCurrent : nReference;
  const observed = statisticFromRow(row, totals, rowSize, grand);
  if (ref.length === 2) {
    return {
      ...asymptotic,
      pValue: exactTwoCategoryPValue(totals, rowSize, grand, observed),
      pValueMethod: 'exact',
      minExpected,
    };
  }
  const mc = monteCarloPValue(totals, rowSize, grand, observed, tableSeed(ref, cur));
  return { ...asymptotic, pValue: mc.pValue, pValueMethod: 'monte_carlo', draws: mc.draws, minExpected };
}
