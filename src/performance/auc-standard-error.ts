/**
 * Standard error of an ROC AUC estimate (Hanley & McNeil, 1982):
 *   SE² = [A(1 − A) + (nP − 1)(Q1 − A²) + (nN − 1)(Q2 − A²)] / (nP · nN),
 *   Q1 = A / (2 − A),  Q2 = 2A² / (1 + A).
 * Used to demand that a shortfall is larger than sampling noise before it triggers retraining:
 * 100 labelled rows give an AUC of 0.75 ± 0.05, so without it a healthy model would raise
 * signals on a sixth of its small batches. NaN without both classes.
 */
export function rocAucStandardError(auc: number, positives: number, negatives: number): number {
  if (!(positives > 0 && negatives > 0) || !Number.isFinite(auc)) return Number.NaN;
  const q1 = auc / (2 - auc);
  const q2 = (2 * auc * auc) / (1 + auc);
  const variance = (auc * (1 - auc) + (positives - 1) * (q1 - auc * auc) + (negatives - 1) * (q2 - auc * auc)) / (positives * negatives);
  return Math.sqrt(Math.max(variance, 0));
}
