import type { NumericColumnSketch } from '../drift-engine/sketch';
import type { OutcomeSums } from '../prediction-logs/prediction-logs.repository';
import { BinaryMetrics, binaryMetrics, rocAuc } from '../stats/classification-metrics';
import { finiteOrNull } from '../stats/finite';
import { EstimatedMetrics, estimateFromScoreSketch, estimatePerformance } from './cbpe';

/**
 * What one performance_metrics row stores: realized metrics over the labelled rows (null when
 * none are labelled) next to the label-free estimate over all rows. Non-finite values (ROC AUC
 * with a single class among the labels) are stored as null: "not evaluated", never a number.
 */

export interface StoredRealized extends BinaryMetrics {
  rocAuc: number | null;
  labelledShare: number;
  labelledCount: number;
  /** Observed default rate among the labelled rows. */
  defaultRate: number;
}

export interface StoredEstimate {
  rocAuc: number | null;
  accuracy: number | null;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  positiveRate: number | null;
  brier: number | null;
  logLoss: number | null;
  expectedDefaultRate: number | null;
}

export interface PerformanceFigures {
  rowCount: number;
  labelledCount: number;
  realized: StoredRealized | null;
  estimated: StoredEstimate;
}

/** Outcome per row: true = defaulted, false = repaid, null/undefined = not known yet. */
export type OutcomeLabel = boolean | null | undefined;

export function computePerformance(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<OutcomeLabel>,
  threshold: number,
): PerformanceFigures {
  const n = probabilities.length;
  if (labels.length !== n) throw new RangeError(`${labels.length} labels for ${n} probabilities`);
  const labelledProbabilities: number[] = [];
  const labelled: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = labels[i];
    if (label === null || label === undefined) continue;
    labelled.push(label ? 1 : 0);
    labelledProbabilities.push(probabilities[i]);
  }
  const estimate = estimatePerformance(probabilities, threshold);
  let realized: StoredRealized | null = null;
  if (labelled.length > 0) {
    const metrics = binaryMetrics(labelled, labelledProbabilities, threshold);
    realized = {
      rocAuc: finiteOrNull(rocAuc(labelled, labelledProbabilities)),
      ...metrics,
      labelledShare: labelled.length / n,
      labelledCount: labelled.length,
      defaultRate: labelled.reduce((sum, y) => sum + y, 0) / labelled.length,
    };
  }
  return { rowCount: n, labelledCount: labelled.length, realized, estimated: storedEstimate(estimate) };
}

function storedEstimate(estimate: EstimatedMetrics): StoredEstimate {
  return {
    rocAuc: finiteOrNull(estimate.rocAuc),
    accuracy: finiteOrNull(estimate.accuracy),
    precision: finiteOrNull(estimate.precision),
    recall: finiteOrNull(estimate.recall),
    f1: finiteOrNull(estimate.f1),
    positiveRate: finiteOrNull(estimate.positiveRate),
    brier: finiteOrNull(estimate.brier),
    logLoss: finiteOrNull(estimate.logLoss),
    expectedDefaultRate: finiteOrNull(estimate.expectedDefaultRate),
  };
}

/**
 * Window performance at any volume: the label-free estimate from the merged prediction sketch,
 * realized metrics from outcome sums computed by the database over the labelled rows (exact: the
 * same formulas as binaryMetrics and rocAuc, summed in PostgreSQL).
 */
export function performanceFromSums(prediction: NumericColumnSketch, outcomes: OutcomeSums): PerformanceFigures {
  const n = prediction.count;
  let realized: StoredRealized | null = null;
  const labelled = outcomes.labelled;
  if (labelled > 0) {
    const { truePositives: tp, falsePositives: fp, falseNegatives: fn, trueNegatives: tn } = outcomes;
    const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
    realized = {
      rocAuc: outcomes.pairs > 0 ? finiteOrNull(outcomes.rankPairsTwice / (2 * outcomes.pairs)) : null,
      accuracy: (tp + tn) / labelled,
      precision,
      recall,
      f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
      brier: outcomes.squaredError / labelled,
      logLoss: outcomes.logLossSum / labelled,
      positiveRate: (tp + fp) / labelled,
      labelledShare: n > 0 ? labelled / n : 0,
      labelledCount: labelled,
      defaultRate: outcomes.positives / labelled,
    };
  }
  return { rowCount: n, labelledCount: labelled, realized, estimated: storedEstimate(estimateFromScoreSketch(prediction)) };
}
