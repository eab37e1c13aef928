/**
 * Confidence-based performance estimation (CBPE): what the model's own calibrated probabilities
 * say its performance is, without labels. If p is a calibrated P(default), a row predicted
 * positive is a true positive with probability p and a false positive with probability 1 − p, so
 * the expected confusion matrix is a sum of probabilities. The estimate is only as good as the
 * calibration: under concept drift (P(default | features) changes) it drifts away from realized
 * performance, and that gap is itself a monitoring signal.
 */

import type { NumericColumnSketch } from '../drift-engine/sketch';
import { LOG_LOSS_EPSILON } from '../stats/classification-metrics';

export interface ExpectedConfusion {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  trueNegatives: number;
}

export interface EstimatedMetrics {
  rocAuc: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  /** Exact (no label needed): share of rows with probability >= threshold. */
  positiveRate: number;
  /** Expected Brier score and log loss if the probabilities are calibrated. */
  brier: number;
  logLoss: number;
  /** Mean probability: the default rate the model expects. */
  expectedDefaultRate: number;
  confusion: ExpectedConfusion;
}

const LOG_EPS = LOG_LOSS_EPSILON;

export function expectedConfusion(probabilities: ArrayLike<number>, threshold: number): ExpectedConfusion {
  const confusion: ExpectedConfusion = { truePositives: 0, falsePositives: 0, falseNegatives: 0, trueNegatives: 0 };
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i];
    if (p >= threshold) {
      confusion.truePositives += p;
      confusion.falsePositives += 1 - p;
    } else {
      confusion.falseNegatives += p;
      confusion.trueNegatives += 1 - p;
    }
  }
  return confusion;
}

/**
 * Expected ROC AUC = Σ_{i≠j} p_i (1 − p_j) (1[p_i > p_j] + ½·1[p_i = p_j]) / Σ_{i≠j} p_i (1 − p_j):
 * the probability that a random (positive, negative) pair is ranked correctly when row i is a
 * positive with probability p_i. Self-pairs are left out because one row cannot be both.
 * O(n log n): sort once, then sweep tie groups from the lowest probability up, keeping the
 * negative mass Σ(1 − p_j) of everything strictly below. NaN when fewer than two rows.
 */
export function expectedRocAuc(probabilities: ArrayLike<number>): number {
  const n = probabilities.length;
  if (n < 2) return Number.NaN;
  const sorted = Float64Array.from(probabilities).sort();
  let negativeMassBelow = 0;
  let numerator = 0;
  let positiveMass = 0;
  let negativeMass = 0;
  let selfPairs = 0;
  let start = 0;
  while (start < n) {
    let end = start;
    while (end + 1 < n && sorted[end + 1] === sorted[start]) end++;
    let groupPositive = 0;
    let groupNegative = 0;
    let groupSelf = 0;
    for (let k = start; k <= end; k++) {
      const p = sorted[k];
      groupPositive += p;
      groupNegative += 1 - p;
      groupSelf += p * (1 - p);
    }
    // Pairs with a strictly lower row count fully; pairs inside the tie group count one half.
    numerator += groupPositive * negativeMassBelow + 0.5 * (groupPositive * groupNegative - groupSelf);
    negativeMassBelow += groupNegative;
    positiveMass += groupPositive;
    negativeMass += groupNegative;
    selfPairs += groupSelf;
    start = end + 1;
  }
  const denominator = positiveMass * negativeMass - selfPairs;
  return denominator > 0 ? numerator / denominator : Number.NaN;
}

/** The full label-free estimate for one batch or window at the model's decision threshold. */
export function estimatePerformance(probabilities: ArrayLike<number>, threshold: number): EstimatedMetrics {
  const n = probabilities.length;
  const confusion = expectedConfusion(probabilities, threshold);
  const { truePositives: tp, falsePositives: fp, falseNegatives: fn, trueNegatives: tn } = confusion;
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  let brier = 0;
  let logLoss = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const p = probabilities[i];
    const clipped = Math.min(Math.max(p, LOG_EPS), 1 - LOG_EPS);
    brier += p * (1 - p);
    logLoss -= p * Math.log(clipped) + (1 - p) * Math.log(1 - clipped);
    sum += p;
  }
  return {
    rocAuc: expectedRocAuc(probabilities),
    accuracy: n > 0 ? (tp + tn) / n : Number.NaN,
    precision,
    recall,
    f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
    positiveRate: n > 0 ? (tp + fp) / n : Number.NaN,
    brier: n > 0 ? brier / n : Number.NaN,
    logLoss: n > 0 ? logLoss / n : Number.NaN,
    expectedDefaultRate: n > 0 ? sum / n : Number.NaN,
    confusion,
  };
}

/**
 * The same estimate from a prediction-column sketch (window checks at any volume): every term is a
 * sum over rows except the expected ROC AUC, which treats each grid bin as one tie group. Rows in
 * one bin are then credited ½ for each other, so the AUC is off by at most ½ Σ_b P_b·N_b / (P·N)
 * (P_b, N_b: expected positive and negative mass of bin b) — returned as `rocAucErrorBound`.
 */
export function estimateFromScoreSketch(column: NumericColumnSketch): EstimatedMetrics & { rocAucErrorBound: number } {
  const scores = column.scores;
  if (!scores) throw new RangeError('the prediction sketch has no score sums');
  const n = column.count;
  const tp = scores.sumAtOrAbove;
  const fp = scores.countAtOrAbove - scores.sumAtOrAbove;
  const fn = column.sum - scores.sumAtOrAbove;
  const tn = n - scores.countAtOrAbove - fn;
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;

  let negativeMassBelow = 0;
  let numerator = 0;
  let withinBins = 0;
  let selfPairs = 0;
  for (let b = 0; b < column.counts.length; b++) {
    const groupPositive = scores.binSums[b];
    const groupNegative = column.counts[b] - scores.binSums[b];
    const groupSelf = scores.binSums[b] - scores.binSumSquares[b];
    numerator += groupPositive * negativeMassBelow + 0.5 * (groupPositive * groupNegative - groupSelf);
    withinBins += 0.5 * (groupPositive * groupNegative - groupSelf);
    negativeMassBelow += groupNegative;
    selfPairs += groupSelf;
  }
  const positiveMass = column.sum;
  const negativeMass = n - column.sum;
  const denominator = positiveMass * negativeMass - selfPairs;
  return {
    rocAuc: n >= 2 && denominator > 0 ? numerator / denominator : Number.NaN,
    rocAucErrorBound: denominator > 0 ? withinBins / denominator : Number.NaN,
    accuracy: n > 0 ? (tp + tn) / n : Number.NaN,
    precision,
    recall,
    f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
    positiveRate: n > 0 ? scores.countAtOrAbove / n : Number.NaN,
    brier: n > 0 ? (column.sum - scores.sumSquares) / n : Number.NaN,
    logLoss: n > 0 ? scores.entropySum / n : Number.NaN,
    expectedDefaultRate: n > 0 ? column.sum / n : Number.NaN,
    confusion: { truePositives: tp, falsePositives: fp, falseNegatives: fn, trueNegatives: tn },
  };
}
