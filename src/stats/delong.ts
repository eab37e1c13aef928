/**
 * ROC AUC with DeLong's variance, the ROC curve and the KS separation of a scored binary sample:
 * the discrimination part of the credit-validation report.
 *
 * DeLong, DeLong & Clarke-Pearson (1988) write the Mann–Whitney AUC through its structural
 * components: for each positive X_i, V10_i = (1/n)·Σ_j ψ(X_i, Y_j), and for each negative Y_j,
 * V01_j = (1/m)·Σ_i ψ(X_i, Y_j), with ψ(x, y) = 1 if x > y, ½ if x = y, 0 otherwise (m positives,
 * n negatives). AUC = mean V10 = mean V01, and
 *   Var(AUC) = S10/m + S01/n,   S10, S01 the sample variances (denominators m − 1, n − 1).
 * Sun & Xu (2014, "Fast implementation of DeLong's algorithm for comparing the areas under
 * correlated receiver operating characteristic curves") obtain the components from midranks
 * instead of the m·n comparisons: V10_i = (T_z(X_i) − T_x(X_i))/n with T_z the midrank in the
 * pooled sample and T_x the midrank among the positives, which is exactly the number of negatives
 * below X_i plus half of those tied with it. Here both classes are sorted once and merged into
 * runs of tied scores, and every member of a class in a run has the same component, so the whole
 * computation is one sort, one O(m + n) merge and two passes over the runs.
 *
 * Labels: 1 is the positive class (a default), any other finite value negative, as in
 * classification-metrics.ts. Non-finite input: a NaN or ±Infinity label or score makes every
 * figure NaN (and the curve empty) — a statistic computed around a broken row would look
 * trustworthy; labels and scores of different lengths, an unsorted input to the *Sorted
 * variants, or a bad maxPoints are RangeErrors.
 */
import { ksStatisticSorted } from './ks';
import { allFinite, sortFloat64InPlace } from './sorting';

export interface DelongAuc {
  /** Mann–Whitney AUC, ties counted ½; NaN when a class is empty. */
  auc: number;
  /** DeLong's variance S10/m + S01/n; NaN when a class has fewer than two members. */
  variance: number;
  /** sqrt(variance). */
  standardError: number;
  /** Number of positives (label 1). */
  positives: number;
  /** Number of negatives. */
  negatives: number;
}

export interface RocCurvePoint {
  falsePositiveRate: number;
  truePositiveRate: number;
}

/** Default cap on the vertices of `rocCurvePoints` (enough to draw the curve smoothly). */
export const DEFAULT_ROC_POINTS = 200;

function checkLengths(labels: ArrayLike<number>, scores: ArrayLike<number>): void {
  if (labels.length !== scores.length) throw new RangeError(`labels has ${labels.length} rows but scores has ${scores.length}`);
}

/** The scores of each class, sorted ascending; null when a label or score is not finite. */
function sortedScoresByClass(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
): { positives: Float64Array; negatives: Float64Array } | null {
  checkLengths(labels, scores);
  if (!allFinite(labels) || !allFinite(scores)) return null;
  let positiveCount = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) positiveCount++;
  const positives = new Float64Array(positiveCount);
  const negatives = new Float64Array(labels.length - positiveCount);
  let p = 0;
  let q = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 1) positives[p++] = scores[i];
    else negatives[q++] = scores[i];
  }
  return { positives: sortFloat64InPlace(positives), negatives: sortFloat64InPlace(negatives) };
}

/** RangeError unless the (finite) values are in ascending order. */
function checkSorted(name: string, values: ArrayLike<number>): void {
  for (let i = 1; i < values.length; i++) if (values[i] < values[i - 1]) throw new RangeError(`${name} must be sorted ascending`);
}

function nanAuc(positives: number, negatives: number): DelongAuc {
  return { auc: NaN, variance: NaN, standardError: NaN, positives, negatives };
}

/**
 * DeLong AUC and variance from each class's scores, both sorted ascending (the credit-validation
 * report sorts them once and also takes the KS statistic and the ROC curve from them). NaN figures
 * when a score is not finite or a class is empty (variance also when a class has one member);
 * RangeError when an array is not sorted.
 */
export function delongRocAucSorted(positives: ArrayLike<number>, negatives: ArrayLike<number>): DelongAuc {
  const m = positives.length;
  const n = negatives.length;
  if (!allFinite(positives) || !allFinite(negatives)) return nanAuc(m, n);
  checkSorted('positives', positives);
  checkSorted('negatives', negatives);
  if (m === 0 || n === 0) return nanAuc(m, n);

  const runs = tieRuns(positives, negatives);

  // Pass 1: AUC = Σ over positives of (negatives below + ½·negatives tied) / (m·n). Every term is a
  // multiple of ½ and the total is at most m·n, so the sum is exact (below 2^53 for any sample
  // that fits in memory) and the AUC is correctly rounded.
  let concordant = 0;
  let negativesBelow = 0;
  for (let r = 0; r < runs.count; r++) {
    const positivesTied = runs.positivesTied[r];
    const negativesTied = runs.negativesTied[r];
    concordant += positivesTied * (negativesBelow + negativesTied / 2);
    negativesBelow += negativesTied;
  }
  const auc = concordant / (m * n);

  // Pass 2: the variances of the structural components around their mean (the AUC), with
  // Neumaier-compensated sums (up to a million runs of small squared deviations; inlined, as
  // summation.ts's CompensatedSum, to keep the per-run cost at a few flops).
  let s10 = 0;
  let s10Compensation = 0;
  let s01 = 0;
  let s01Compensation = 0;
  let positivesBelow = 0;
  negativesBelow = 0;
  for (let r = 0; r < runs.count; r++) {
    const positivesTied = runs.positivesTied[r];
    const negativesTied = runs.negativesTied[r];
    if (positivesTied > 0) {
      const v10 = (negativesBelow + negativesTied / 2) / n;
      const term = positivesTied * (v10 - auc) * (v10 - auc);
      const t = s10 + term;
      s10Compensation += s10 >= term ? s10 - t + term : term - t + s10;
      s10 = t;
    }
    if (negativesTied > 0) {
      const v01 = (m - positivesBelow - positivesTied / 2) / m;
      const term = negativesTied * (v01 - auc) * (v01 - auc);
      const t = s01 + term;
      s01Compensation += s01 >= term ? s01 - t + term : term - t + s01;
      s01 = t;
    }
    positivesBelow += positivesTied;
    negativesBelow += negativesTied;
  }
  s10 += s10Compensation;
  s01 += s01Compensation;
  const variance = m > 1 && n > 1 ? s10 / ((m - 1) * m) + s01 / ((n - 1) * n) : NaN;
  return { auc, variance, standardError: Math.sqrt(variance), positives: m, negatives: n };
}

/**
 * ROC AUC with DeLong's standard error by the fast midrank algorithm (Sun & Xu 2014): O(n log n).
 * labels: 1 = positive (default); scores: higher = more likely positive (the PD). NaN figures
 * as `delongRocAucSorted`; RangeError for different lengths.
 */
export function delongRocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): DelongAuc {
  const classes = sortedScoresByClass(labels, scores);
  if (!classes) {
    let positives = 0;
    for (let i = 0; i < labels.length; i++) if (labels[i] === 1) positives++;
    return nanAuc(positives, labels.length - positives);
  }
  return delongRocAucSorted(classes.positives, classes.negatives);
}

/**
 * ROC vertices from each class's ascending scores: (0, 0), then one vertex per distinct score
 * from the highest down (false and true positive rates of "score ≥ threshold"), ending at (1, 1);
 * a run of tied scores is one diagonal segment, so the trapezoidal area is the AUC with ties
 * counted ½. More than maxPoints vertices are thinned to maxPoints evenly spaced ones, keeping
 * both ends. Empty when a class is empty or a score is not finite; RangeError for unsorted input
 * or a maxPoints that is not an integer ≥ 2.
 */
export function rocCurvePointsSorted(
  positives: ArrayLike<number>,
  negatives: ArrayLike<number>,
  maxPoints = DEFAULT_ROC_POINTS,
): RocCurvePoint[] {
  if (!(Number.isInteger(maxPoints) && maxPoints >= 2))
    throw new RangeError(`maxPoints must be an integer of at least 2, got ${maxPoints}`);
  const m = positives.length;
  const n = negatives.length;
  if (!allFinite(positives) || !allFinite(negatives)) return [];
  checkSorted('positives', positives);
  checkSorted('negatives', negatives);
  if (m === 0 || n === 0) return [];
  // Vertex k as counts above the k-th threshold from the top (typed arrays: a million distinct
  // scores would otherwise be a million objects, most of them thinned away).
  const truePositives = new Float64Array(m + n + 1);
  const falsePositives = new Float64Array(m + n + 1);
  let vertexCount = 1;
  let i = m - 1;
  let j = n - 1;
  while (i >= 0 || j >= 0) {
    const threshold = i < 0 ? negatives[j] : j < 0 || positives[i] >= negatives[j] ? positives[i] : negatives[j];
    while (i >= 0 && positives[i] === threshold) i--;
    while (j >= 0 && negatives[j] === threshold) j--;
    truePositives[vertexCount] = m - 1 - i;
    falsePositives[vertexCount] = n - 1 - j;
    vertexCount++;
  }
  const vertex = (k: number): RocCurvePoint => ({ falsePositiveRate: falsePositives[k] / n, truePositiveRate: truePositives[k] / m });
  if (vertexCount <= maxPoints) return Array.from({ length: vertexCount }, (_, k) => vertex(k));
  // maxPoints − 1 < vertexCount − 1, so the rounded indices strictly increase.
  const last = vertexCount - 1;
  return Array.from({ length: maxPoints }, (_, k) => vertex(Math.round((k * last) / (maxPoints - 1))));
}

/** ROC vertices of a labelled sample (see `rocCurvePointsSorted`); RangeError for different lengths or a bad maxPoints. */
export function rocCurvePoints(labels: ArrayLike<number>, scores: ArrayLike<number>, maxPoints = DEFAULT_ROC_POINTS): RocCurvePoint[] {
  if (!(Number.isInteger(maxPoints) && maxPoints >= 2))
    throw new RangeError(`maxPoints must be an integer of at least 2, got ${maxPoints}`);
  const classes = sortedScoresByClass(labels, scores);
  return classes ? rocCurvePointsSorted(classes.positives, classes.negatives, maxPoints) : [];
}

/**
 * KS separation: max |F_positives(s) − F_negatives(s)| over the scores, the two-sample KS
 * statistic of the defaulters' and non-defaulters' PDs (scipy.stats.ks_2samp(...).statistic).
 * NaN when a class is empty or a label or score is not finite; RangeError for different lengths.
 */
export function ksSeparation(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const classes = sortedScoresByClass(labels, scores);
  return classes ? ksStatisticSorted(classes.positives, classes.negatives) : NaN;
}

/**
 * The merged ascending scores as runs of tied values: for run r, how many positives and how many
 * negatives share its value (the counts below it are the running sums of the earlier runs).
 */
function tieRuns(
  positives: ArrayLike<number>,
  negatives: ArrayLike<number>,
): { count: number; positivesTied: Int32Array; negativesTied: Int32Array } {
  const m = positives.length;
  const n = negatives.length;
  const positivesTied = new Int32Array(m + n);
  const negativesTied = new Int32Array(m + n);
  let count = 0;
  let i = 0;
  let j = 0;
  while (i < m || j < n) {
    const value = i >= m ? negatives[j] : j >= n || positives[i] <= negatives[j] ? positives[i] : negatives[j];
    const positivesFrom = i;
    const negativesFrom = j;
    while (i < m && positives[i] === value) i++;
    while (j < n && negatives[j] === value) j++;
    positivesTied[count] = i - positivesFrom;
    negativesTied[count] = j - negativesFrom;
    count++;
  }
  return { count, positivesTied, negativesTied };
}
