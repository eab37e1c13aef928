import { binaryMetrics, calibrationTable, rocAuc } from '../../../src/stats/classification-metrics';
import { describeWithShared, loadStatsVectors } from '../../support/shared';

describe('rocAuc', () => {
  it('is 1 for a perfect ranking, 0 for a reversed one and 0.5 for all-tied scores', () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])).toBe(1);
    expect(rocAuc([1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9])).toBe(0);
    expect(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
  });

  it('counts a tie between a positive and a negative as one half (scikit-learn trapezoid)', () => {
    // pairs (pos, neg): (0.4 vs 0.1) win, (0.4 vs 0.4) tie, (0.8 vs 0.1) win, (0.8 vs 0.4) win → 3.5 / 4
    expect(rocAuc([0, 1, 0, 1], [0.1, 0.4, 0.4, 0.8])).toBeCloseTo(0.875, 15);
  });

  it('is NaN when one class is absent', () => {
    expect(rocAuc([0, 0, 0], [0.1, 0.2, 0.3])).toBeNaN();
    expect(rocAuc([1, 1], [0.1, 0.2])).toBeNaN();
  });

  it('rejects inputs of different lengths', () => {
    expect(() => rocAuc([0, 1], [0.5])).toThrow(/2 rows .* 1/);
  });
});

describe('binaryMetrics', () => {
  it('computes the confusion-matrix metrics by hand', () => {
    // threshold 0.5 → predictions 1,1,0,0,1 ; truth 1,0,1,0,1 → TP 2, FP 1, FN 1, TN 1
    const y = [1, 0, 1, 0, 1];
    const p = [0.9, 0.6, 0.4, 0.2, 0.5];
    const m = binaryMetrics(y, p, 0.5);
    expect(m.accuracy).toBeCloseTo(3 / 5, 15);
    expect(m.precision).toBeCloseTo(2 / 3, 15);
    expect(m.recall).toBeCloseTo(2 / 3, 15);
    expect(m.f1).toBeCloseTo(2 / 3, 15);
    expect(m.positiveRate).toBeCloseTo(3 / 5, 15);
    expect(m.brier).toBeCloseTo((0.01 + 0.36 + 0.36 + 0.04 + 0.25) / 5, 15);
    const logLoss = -(Math.log(0.9) + Math.log(0.4) + Math.log(0.4) + Math.log(0.8) + Math.log(0.5)) / 5;
    expect(m.logLoss).toBeCloseTo(logLoss, 15);
  });

  it('uses zero_division=0 and clips probabilities for the log loss like scikit-learn 1.2', () => {
    const m = binaryMetrics([1, 0], [0, 0], 0.5);
    expect(m.precision).toBe(0);
    expect(m.recall).toBe(0);
    expect(m.f1).toBe(0);
    expect(m.positiveRate).toBe(0);
    // scikit-learn ≥ 1.2 clips at machine epsilon (eps="auto" for float64).
    expect(m.logLoss).toBeCloseTo(-Math.log(Number.EPSILON) / 2, 12);
    expect(binaryMetrics([1, 0], [0, 0], 0.5, 1e-15).logLoss).toBeCloseTo(-Math.log(1e-15) / 2, 12);
  });

  it('predicts positive when the score equals the threshold', () => {
    expect(binaryMetrics([1], [0.5], 0.5).recall).toBe(1);
  });
});

describe('calibrationTable', () => {
  it('cuts sorted predictions into equal-count bins with mean prediction and observed rate', () => {
    const scores = Array.from({ length: 20 }, (_, i) => i / 20);
    const labels = scores.map((_, i) => (i % 2 === 0 ? 1 : 0));
    const table = calibrationTable(labels, scores, 4);
    expect(table.map((row) => row.count)).toEqual([5, 5, 5, 5]);
    expect(table[0].meanPredicted).toBeCloseTo((0 + 0.05 + 0.1 + 0.15 + 0.2) / 5, 15);
    expect(table[0].observedRate).toBeCloseTo(3 / 5, 15);
    expect(table[3].minPredicted).toBe(0.75);
    expect(table[3].maxPredicted).toBe(0.95);
  });

  it('defaults to deciles', () => {
    const scores = Array.from({ length: 100 }, (_, i) => i / 100);
    expect(
      calibrationTable(
        scores.map(() => 0),
        scores,
      ),
    ).toHaveLength(10);
  });
});

describeWithShared('classification metrics against scikit-learn (shared/reference/stats-vectors.json)', () => {
  const vectors = loadStatsVectors();

  it.each(vectors.roc_auc.map((v, i) => [i, v] as const))('roc_auc case %i', (_, vector) => {
    expect(Math.abs(rocAuc(vector.y_true, vector.y_score) - vector.value)).toBeLessThan(1e-9);
  });

  it.each(vectors.binary_metrics.map((v, i) => [i, v] as const))('binary_metrics case %i', (_, vector) => {
    // These log_loss values were computed with eps = 1e-15 (recomputing them reproduces them with
    // that clip, not with 1.2's default machine epsilon): the same clip is passed here. The default
    // clip is checked against scikit-learn in test/unit/stats/log-loss.spec.ts.
    const m = binaryMetrics(vector.y_true, vector.y_score, vector.threshold, 1e-15);
    expect(Math.abs(m.accuracy - vector.accuracy)).toBeLessThan(1e-9);
    expect(Math.abs(m.precision - vector.precision)).toBeLessThan(1e-9);
    expect(Math.abs(m.recall - vector.recall)).toBeLessThan(1e-9);
    expect(Math.abs(m.f1 - vector.f1)).toBeLessThan(1e-9);
    expect(Math.abs(m.brier - vector.brier)).toBeLessThan(1e-9);
    expect(Math.abs(m.logLoss - vector.log_loss)).toBeLessThan(1e-9);
  });
});
