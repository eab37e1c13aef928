import { BinaryMetrics, binaryMetrics, rocAuc } from '../stats/classification-metrics';

/** The metric set reported by `train` (holdout) and `evaluate`. */
export interface EvaluationMetrics extends BinaryMetrics {
  rocAuc: number;
}

export const METRIC_NAMES = ['rocAuc', 'accuracy', 'precision', 'recall', 'f1', 'brier', 'logLoss', 'positiveRate'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

export interface MetricSummary {
  mean: number;
  /** Sample standard deviation (n − 1), as numpy's std(ddof=1); 0 for a single value. */
  sd: number;
  min: number;
  max: number;
}

export function evaluatePredictions(labels: ArrayLike<number>, probabilities: ArrayLike<number>, threshold: number): EvaluationMetrics {
  return { rocAuc: rocAuc(labels, probabilities), ...binaryMetrics(labels, probabilities, threshold) };
}

export function summarize(values: ReadonlyArray<number>): MetricSummary {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, sd: Number.NaN, min: Number.NaN, max: Number.NaN };
  const mean = values.reduce((sum, v) => sum + v, 0) / n;
  const squares = values.reduce((sum, v) => sum + (v - mean) * (v - mean), 0);
  return { mean, sd: n > 1 ? Math.sqrt(squares / (n - 1)) : 0, min: Math.min(...values), max: Math.max(...values) };
}
