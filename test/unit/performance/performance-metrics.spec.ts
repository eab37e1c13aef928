import { rocAucStandardError } from '../../../src/performance/auc-standard-error';
import { computePerformance } from '../../../src/performance/performance-metrics';
import { binaryMetrics } from '../../../src/stats/classification-metrics';
import { describeWithShared, loadStatsVectors } from '../../support/shared';

describe('computePerformance', () => {
  it('realized metrics are null until a row is labelled; the estimate is always there', () => {
    const figures = computePerformance([0.9, 0.2, 0.6], [null, undefined, null], 0.5);
    expect(figures.realized).toBeNull();
    expect(figures.labelledCount).toBe(0);
    expect(figures.estimated.rocAuc).not.toBeNull();
  });

  it('uses only labelled rows for realized metrics and reports the labelled share', () => {
    const figures = computePerformance([0.9, 0.2, 0.6, 0.1], [true, false, null, null], 0.5);
    expect(figures.realized).toMatchObject({ rocAuc: 1, accuracy: 1, labelledShare: 0.5, labelledCount: 2 });
    expect(figures.estimated.positiveRate).toBe(0.5);
  });

  it('a single class among the labels gives a null ROC AUC ("not evaluated"), never NaN', () => {
    const figures = computePerformance([0.9, 0.2], [true, true], 0.5);
    expect(figures.realized!.rocAuc).toBeNull();
    expect(JSON.parse(JSON.stringify(figures.realized)).rocAuc).toBeNull();
  });
});

describeWithShared('realized metrics against scikit-learn (shared/reference/stats-vectors.json)', () => {
  const vectors = loadStatsVectors();

  it.each(vectors.roc_auc.map((v, i) => [i, v] as const))('roc_auc vector %i', (_i, v) => {
    const figures = computePerformance(
      v.y_score,
      v.y_true.map((y) => y === 1),
      0.5,
    );
    expect(figures.realized!.rocAuc).toBeCloseTo(v.value, 10);
  });

  it.each(vectors.binary_metrics.map((v, i) => [i, v] as const))('binary_metrics vector %i', (_i, v) => {
    const realized = computePerformance(
      v.y_score,
      v.y_true.map((y) => y === 1),
      v.threshold,
    ).realized!;
    expect(realized.accuracy).toBeCloseTo(v.accuracy, 10);
    expect(realized.precision).toBeCloseTo(v.precision, 10);
    expect(realized.recall).toBeCloseTo(v.recall, 10);
    expect(realized.f1).toBeCloseTo(v.f1, 10);
    expect(realized.brier).toBeCloseTo(v.brier, 10);
    // The shared log_loss values use eps = 1e-15; the service clips at machine epsilon as
    // scikit-learn 1.2's default (binaryMetrics is checked against both clips in its own tests).
    expect(realized.logLoss).toBeCloseTo(binaryMetrics(v.y_true, v.y_score, v.threshold).logLoss, 12);
    expect(binaryMetrics(v.y_true, v.y_score, v.threshold, 1e-15).logLoss).toBeCloseTo(v.log_loss, 10);
  });
});

describe('rocAucStandardError (Hanley & McNeil)', () => {
  it('follows the formula and shrinks with more labels', () => {
    // A = 0.8, 50 + 50: Q1 = 2/3, Q2 = 0.64/0.9; SE² = (0.16 + 49(Q1 − 0.64) + 49(Q2 − 0.64)) / 2500.
    const q1 = 0.8 / 1.2;
    const q2 = 1.28 / 1.8;
    expect(rocAucStandardError(0.8, 50, 50)).toBeCloseTo(Math.sqrt((0.16 + 49 * (q1 - 0.64) + 49 * (q2 - 0.64)) / 2500), 12);
    expect(rocAucStandardError(0.8, 50, 50)).toBeCloseTo(0.0445, 4);
    expect(rocAucStandardError(0.75, 300, 700)).toBeLessThan(rocAucStandardError(0.75, 30, 70));
    expect(rocAucStandardError(0.75, 0, 70)).toBeNaN();
  });
});
