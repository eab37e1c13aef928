/**
 * Metrics for a binary classifier that outputs probabilities of the positive class (default).
 * Definitions follow scikit-learn 1.2 so that figures here can be compared with the reference
 * numbers computed in Python (shared/reference/stats-vectors.json).
 */

export interface BinaryMetrics {
  accuracy: number;
  /** 0 when nothing is predicted positive (scikit-learn's zero_division=0). */
  precision: number;
  /** 0 when there are no actual positives (zero_division=0). */
  recall: number;
  /** 0 when precision + recall = 0. */
  f1: number;
  /** Mean squared difference between the probability and the 0/1 outcome. */
  brier: number;
  /** Mean negative log-likelihood, probabilities clipped to [1e-15, 1 - 1e-15] as scikit-learn 1.2. */
  logLoss: number;
  /** Share of rows predicted positive (probability >= threshold). */
  positiveRate: number;
}

export interface CalibrationBin {
  bin: number;
  count: number;
  minPredicted: number;
  maxPredicted: number;
  meanPredicted: number;
  observedRate: number;
}

const LOG_LOSS_EPS = 1e-15;

/**
 * ROC AUC as the Mann–Whitney statistic with mid-ranks for tied scores. This equals scikit-learn's
 * trapezoidal area under the ROC curve, where a run of tied scores is one diagonal step (a tie
 * between a positive and a negative counts one half). NaN when either class is absent, because
 * the ranking quality is then undefined (scikit-learn raises).
 */
export function rocAuc(yTrue: ArrayLike<number>, yScore: ArrayLike<number>): number {
  const n = checkLengths(yTrue, yScore);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => yScore[a] - yScore[b]);

  let positives = 0;
  let positiveRankSum = 0;
  let start = 0;
  while (start < n) {
    let end = start;
    while (end + 1 < n && yScore[order[end + 1]] === yScore[order[start]]) end++;
    // Ranks are 1-based; every member of a tie group gets the group's mean rank.
    const midRank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) {
      if (yTrue[order[k]] === 1) {
        positives++;
        positiveRankSum += midRank;
      }
    }
    start = end + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Threshold metrics: a row is predicted positive when its score is >= threshold. */
export function binaryMetrics(yTrue: ArrayLike<number>, yScore: ArrayLike<number>, threshold: number): BinaryMetrics {
  const n = checkLengths(yTrue, yScore);
  if (n === 0) throw new RangeError('binaryMetrics needs at least one row');
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  let squaredError = 0;
  let logLossSum = 0;
  for (let i = 0; i < n; i++) {
    const actual = yTrue[i] === 1;
    const score = yScore[i];
    const predicted = score >= threshold;
    if (predicted && actual) tp++;
    else if (predicted) fp++;
    else if (actual) fn++;
    else tn++;
    const outcome = actual ? 1 : 0;
    squaredError += (score - outcome) * (score - outcome);
    const clipped = Math.min(Math.max(score, LOG_LOSS_EPS), 1 - LOG_LOSS_EPS);
    logLossSum -= actual ? Math.log(clipped) : Math.log(1 - clipped);
  }
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return {
    accuracy: (tp + tn) / n,
    precision,
    recall,
    f1,
    brier: squaredError / n,
    logLoss: logLossSum / n,
    positiveRate: (tp + fp) / n,
  };
}

/**
 * Reliability table: rows sorted by predicted probability and cut into `bins` groups of (nearly)
 * equal size (deciles by default), each with its mean prediction and observed positive rate.
 * Equal-count bins keep every row of the table equally trustworthy, which fixed-width bins do not
 * when most probabilities sit in a narrow range. Empty bins (n < bins) are omitted.
 */
export function calibrationTable(yTrue: ArrayLike<number>, yScore: ArrayLike<number>, bins = 10): CalibrationBin[] {
  const n = checkLengths(yTrue, yScore);
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins must be a positive integer, got ${bins}`);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => yScore[a] - yScore[b] || a - b);

  const table: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    const from = Math.floor((b * n) / bins);
    const to = Math.floor(((b + 1) * n) / bins);
    if (to <= from) continue;
    let scoreSum = 0;
    let positives = 0;
    for (let k = from; k < to; k++) {
      scoreSum += yScore[order[k]];
      if (yTrue[order[k]] === 1) positives++;
    }
    const count = to - from;
    table.push({
      bin: b + 1,
      count,
      minPredicted: yScore[order[from]],
      maxPredicted: yScore[order[to - 1]],
      meanPredicted: scoreSum / count,
      observedRate: positives / count,
    });
  }
  return table;
}

function checkLengths(yTrue: ArrayLike<number>, yScore: ArrayLike<number>): number {
  if (yTrue.length !== yScore.length) {
    throw new RangeError(`yTrue has ${yTrue.length} rows but yScore has ${yScore.length}`);
  }
  return yTrue.length;
}
