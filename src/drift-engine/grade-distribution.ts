/**
 * The rating-grade distribution of current scores against the model's development sample: the
 * supervisory view of score drift a model-risk team reports per grade (issue 14: "grade
 * distributions are part of the drift checks — PSI and chi-square over grades vs development").
 *
 * What it is compared with: the development counts the master scale carries (master-scale.ts),
 * not the drift baseline. The baseline is whatever traffic it was built from; the development
 * sample is what the grades (and the model's PDs) were fitted and validated on, so "has the grade
 * mix moved since development" is the question this answers.
 *
 * The test is the two-sample (homogeneity) chi-square of development counts vs current counts,
 * not a goodness-of-fit test against fixed development shares: the development sample is a
 * sample too (the shipped model's has 750 rows), and treating its shares as exact would make
 * its own sampling error look like drift. Where an expected count is below 5 the p-value is the
 * permutation p-value of the same statistic (homogeneityTest), exactly as for the engine's
 * discrete columns, and `pValueMethod` says which.
 *
 * The result does not change a report's verdict: the prediction column already judges the score
 * distribution (on the baseline's grid, within the Holm family); this is the per-grade view of
 * the same scores, judged on its own, against another reference.
 */
import { countGrades, MasterScale } from '../model/master-scale';
import { jensenShannonDivergence } from '../stats/jensen-shannon';
import { populationStabilityIndex, psiNoiseExpectation } from '../stats/psi';
import { DriftConfig, resolveDriftConfig } from './config';
import { ChiSquarePValueMethod, homogeneityTest } from './permutation-chi-square';
import type { DriftStatus } from './result-types';

export interface GradeShare {
  grade: number;
  pdLower: number;
  pdUpper: number;
  developmentCount: number;
  /** developmentCount / development rows (0 when the scale carries no development rows). */
  developmentShare: number;
  /** Current rows in this grade. */
  count: number;
  /** count / current rows (0 when there are none). */
  share: number;
}

export interface GradeChiSquare {
  statistic: number;
  /** (non-empty grades − 1): grades empty in both samples carry no information and are dropped. */
  degreesOfFreedom: number;
  pValue: number;
  /** 'asymptotic' when every expected count is ≥ 5, else 'exact' (two grades) or 'monte_carlo' permutation. */
  pValueMethod: ChiSquarePValueMethod;
  /** Monte-Carlo permutation only: permuted tables drawn. */
  draws?: number;
}

export interface GradeDistributionResult {
  grades: GradeShare[];
  /** Current rows with a grade (a probability in [0, 1]). */
  rowCount: number;
  developmentRowCount: number;
  /** PSI over the grades, development vs current; null when not evaluated. */
  psi: number | null;
  /** PSI minus its expected value under no drift, floored at 0 (what the materiality gate uses). */
  psiExcess: number | null;
  /** Jensen–Shannon distance (base 2) over the grades. */
  jensenShannon: number | null;
  /** Jensen–Shannon distance after removing sampling noise (the other materiality gate). */
  effectSize: number | null;
  chiSquare: GradeChiSquare | null;
  /** The levels the status was judged with. */
  alpha: number;
  psiThreshold: number;
  effectThreshold: number;
  status: DriftStatus;
  /** Plain-language explanation of the status. */
  reason: string;
}

export interface GradeDistributionOptions {
  /** The drift settings the report is checked with (alpha, gates, minimum rows); defaults otherwise. */
  config?: Partial<DriftConfig>;
}

/** Re-exported: the drift module counts a batch's grades with the master scale's own counter. */
export { countGrades };

function format(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  return magnitude < 1e-3 || magnitude >= 1e5 ? value.toExponential(2) : value.toPrecision(3);
}

/**
 * Compares current counts per grade (index = grade − 1) with the scale's development counts.
 *
 * Status, mirroring how the engine judges a discrete column (discrete-comparison.ts for the
 * statistics, verdict.ts for the rule), so a grade mix reads DRIFT under the same conditions a
 * categorical feature would:
 * - INSUFFICIENT_DATA with fewer current rows than the engine's minimum for a column
 *   (minSampleSize), or no development rows on the scale: never an all-clear, never a verdict.
 * - DRIFT when significant — the chi-square p-value ≤ alpha, the same comparison verdict.ts makes.
 *   There is no per-kind alpha in the configuration, so this is the configured alpha; it is the
 *   unadjusted p because this test is not part of the report's Holm family (it changes no verdict)
 *   — AND material by the engine's gate for discrete columns: PSI in excess of its noise
 *   expectation ≥ psiThreshold, or the noise-corrected Jensen–Shannon distance ≥
 *   jensenShannonThreshold. The noise corrections use the grades non-empty in either sample, as
 *   discrete columns count their observed categories.
 * - STABLE otherwise.
 */
export function compareGradeDistribution(
  scale: MasterScale,
  currentCounts: ArrayLike<number>,
  options: GradeDistributionOptions = {},
): GradeDistributionResult {
  const k = scale.grades.length;
  if (currentCounts.length !== k) {
    throw new RangeError(`compareGradeDistribution: ${currentCounts.length} counts for a scale of ${k} grades`);
  }
  const development = scale.grades.map((g) => g.developmentCount);
  const current: number[] = [];
  for (let i = 0; i < k; i++) {
    const v = currentCounts[i];
    if (!(Number.isInteger(v) && v >= 0)) throw new RangeError(`compareGradeDistribution: count of grade ${i + 1} is ${v}`);
    current.push(v);
  }
  const config = resolveDriftConfig(options.config);
  const developmentRowCount = development.reduce((s, c) => s + c, 0);
  const rowCount = current.reduce((s, c) => s + c, 0);
  const grades: GradeShare[] = scale.grades.map((g, i) => ({
    grade: g.grade,
    pdLower: g.pdLower,
    pdUpper: g.pdUpper,
    developmentCount: g.developmentCount,
    developmentShare: developmentRowCount > 0 ? g.developmentCount / developmentRowCount : 0,
    count: current[i],
    share: rowCount > 0 ? current[i] / rowCount : 0,
  }));
  const levels = { alpha: config.alpha, psiThreshold: config.psiThreshold, effectThreshold: config.jensenShannonThreshold };
  const notEvaluated = (reason: string): GradeDistributionResult => ({
    grades,
    rowCount,
    developmentRowCount,
    psi: null,
    psiExcess: null,
    jensenShannon: null,
    effectSize: null,
    chiSquare: null,
    ...levels,
    status: 'INSUFFICIENT_DATA',
    reason,
  });
  if (developmentRowCount === 0) {
    return notEvaluated('insufficient data: the master scale carries no development rows to compare with');
  }
  if (rowCount < config.minSampleSize) {
    return notEvaluated(`insufficient data: ${rowCount} graded rows, at least ${config.minSampleSize} are needed`);
  }

  const observedGrades = development.filter((d, i) => d + current[i] > 0).length;
  const psi = populationStabilityIndex(development, current);
  const psiExcess = Math.max(0, psi - psiNoiseExpectation(observedGrades, developmentRowCount, rowCount));
  // As discrete-comparison.ts: JS divergence under "no drift" is ≈ (k − 1)(1/N + 1/n)/8 nats.
  const divergence = jensenShannonDivergence(development, current);
  const noise = observedGrades > 1 ? ((observedGrades - 1) * (1 / developmentRowCount + 1 / rowCount)) / 8 : 0;
  const jensenShannon = Math.sqrt(Math.max(0, divergence) / Math.LN2);
  const effectSize = Math.sqrt(Math.max(0, divergence - noise) / Math.LN2);

  const test = homogeneityTest(development, current);
  // NaN: a single non-empty grade in both samples (both sides have rows here), i.e. identical
  // distributions; every permutation gives the same table, so the exact p-value is 1.
  const chiSquare: GradeChiSquare = Number.isNaN(test.pValue)
    ? { statistic: 0, degreesOfFreedom: 0, pValue: 1, pValueMethod: 'exact' }
    : {
        statistic: test.statistic,
        degreesOfFreedom: test.dof,
        pValue: test.pValue,
        pValueMethod: test.pValueMethod,
        ...(test.draws !== undefined ? { draws: test.draws } : {}),
      };

  const significant = chiSquare.pValue <= config.alpha;
  const psiMaterial = psiExcess >= config.psiThreshold;
  const effectMaterial = effectSize >= config.jensenShannonThreshold;
  const method =
    chiSquare.pValueMethod === 'exact'
      ? 'chi-square (exact permutation p)'
      : chiSquare.pValueMethod === 'monte_carlo'
        ? `chi-square (Monte-Carlo permutation p, ${chiSquare.draws ?? '?'} draws)`
        : 'chi-square';
  const pText = `${method} p=${format(chiSquare.pValue)} over ${observedGrades} grades, development (${developmentRowCount} rows) vs current (${rowCount} rows)`;
  const psiText = `PSI ${format(psi)} (${format(psiExcess)} above noise, gate ${format(config.psiThreshold)})`;
  const effectText = `Jensen–Shannon distance ${format(effectSize)} after noise (gate ${format(config.jensenShannonThreshold)})`;
  let status: DriftStatus;
  let reason: string;
  if (!significant) {
    status = 'STABLE';
    reason = `no significant change in the grade mix: ${pText} > alpha ${format(config.alpha)}`;
  } else if (!psiMaterial && !effectMaterial) {
    status = 'STABLE';
    reason = `significant (${pText}) but not material: ${psiText}; ${effectText}`;
  } else {
    status = 'DRIFT';
    const material = [psiMaterial ? psiText : null, effectMaterial ? effectText : null].filter((s) => s !== null).join(' and ');
    reason = `the grade mix moved since development: ${pText} ≤ alpha ${format(config.alpha)}; material by ${material}`;
  }
  return { grades, rowCount, developmentRowCount, psi, psiExcess, jensenShannon, effectSize, chiSquare, ...levels, status, reason };
}
