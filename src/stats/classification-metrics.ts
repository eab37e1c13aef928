/**
 * Metrics for a binary classifier that outputs probabilities of the positive class (default).
 * Definitions follow scikit-learn 1.2 so that figures here can be compared with the reference
 * numbers computed in Python (shared/reference/stats-vectors.json,
 * test/fixtures/reference/log-loss.json).
 *
 * Labels: 1 is the positive class, any other finite value negative. Non-finite input: a NaN or
 * ±Infinity label or score makes every metric NaN (rocAuc, logLoss, binaryMetrics) — a figure
 * computed around a broken row would look trustworthy — and is a RangeError in calibrationTable,
 * whose bins cannot hold it. A non-finite threshold or a bad bin count is a RangeError.
 */
import { allFinite } from './sorting';

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
  /** Mean negative log-likelihood, probabilities clipped to [ε, 1 − ε] (`LOG_LOSS_EPSILON`) as scikit-learn 1.2. */
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

/**
 * Probability clip of the log loss: machine epsilon 2^-52 = 2.220446049250313e-16, scikit-learn
 * 1.2's default (`eps="auto"`, i.e. np.finfo(float64).eps; earlier versions used 1e-15, which
 * changes the loss by up to a few percent when a probability sits at 0 or 1). Every log loss in the
 * service — realized (here and in SQL), expected (CBPE) and sketched — clips with this one value.
 */
export const LOG_LOSS_EPSILON = Number.EPSILON;

/**
 * ROC AUC as the Mann–Whitney statistic with mid-ranks for tied scores. This equals scikit-learn's
 * trapezoidal area under the ROC curve, where a run of tied scores is one diagonal step (a tie
 * between a positive and a negative counts one half). NaN when either class is absent, because
 * the ranking quality is then undefined (scikit-learn raises), and when a label or score is not
 * finite (a NaN score has no rank).
 */
export function rocAuc(yTrue: ArrayLike<number>, yScore: ArrayLike<number>): number {
  const n = checkLengths(yTrue, yScore);
  if (!allFinite(yTrue) || !allFinite(yScore)) return Number.NaN;
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

/** −ln of the clipped probability given to the observed outcome (scikit-learn 1.2's clip, then 1 − p). */
function logLossTerm(actual: boolean, score: number, epsilon: number): number {
  const clipped = Math.min(Math.max(score, epsilon), 1 - epsilon);
  return actual ? -Math.log(clipped) : -Math.log(1 - clipped);
}

/**
 * Mean log loss of probabilities of the positive class, as sklearn.metrics.log_loss in
 * scikit-learn 1.2 (probabilities clipped to [ε, 1 − ε], ε = `LOG_LOSS_EPSILON`). RangeError for
 * no rows; NaN when a label or probability is not finite. `epsilon`: another clip, as
 * scikit-learn's explicit `eps` (before 1.2 its default was 1e-15); RangeError unless in (0, ½).
 */
export function logLoss(yTrue: ArrayLike<number>, yScore: ArrayLike<number>, epsilon = LOG_LOSS_EPSILON): number {
  const n = checkLengths(yTrue, yScore);
  if (n === 0) throw new RangeError('logLoss needs at least one row');
  checkEpsilon(epsilon);
  if (!allFinite(yTrue) || !allFinite(yScore)) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += logLossTerm(yTrue[i] === 1, yScore[i], epsilon);
  return sum / n;
}

/**
 * Threshold metrics: a row is predicted positive when its score is >= threshold. RangeError for no
 * rows or a non-finite threshold; every metric NaN when a label or score is not finite.
 * `logLossEpsilon`: the log loss's clip (logLoss).
 */
export function binaryMetrics(
  yTrue: ArrayLike<number>,
  yScore: ArrayLike<number>,
  threshold: number,
  logLossEpsilon = LOG_LOSS_EPSILON,
): BinaryMetrics {
  const n = checkLengths(yTrue, yScore);
  if (n === 0) throw new RangeError('binaryMetrics needs at least one row');
  if (!Number.isFinite(threshold)) throw new RangeError(`threshold must be a finite number, got ${threshold}`);
  checkEpsilon(logLossEpsilon);
  if (!allFinite(yTrue) || !allFinite(yScore)) {
    return { accuracy: NaN, precision: NaN, recall: NaN, f1: NaN, brier: NaN, logLoss: NaN, positiveRate: NaN };
  }
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
    logLossSum += logLossTerm(actual, score, logLossEpsilon);
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
 * when most probabilities sit in a narrow range. Empty bins (n < bins) are omitted. RangeError
 * when a label or score is not finite (a NaN score cannot be placed in a bin) or bins is not a
 * positive integer.
 */
export function calibrationTable(yTrue: ArrayLike<number>, yScore: ArrayLike<number>, bins = 10): CalibrationBin[] {
  const n = checkLengths(yTrue, yScore);
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins must be a positive integer, got ${bins}`);
  if (!allFinite(yScore)) throw new RangeError('calibrationTable: yScore holds a non-finite value');
  if (!allFinite(yTrue)) throw new RangeError('calibrationTable: yTrue holds a non-finite value');
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

function checkEpsilon(epsilon: number): void {
  if (!(epsilon > 0 && epsilon < 0.5)) throw new RangeError(`log loss epsilon must be in (0, 0.5), got ${epsilon}`);
}
