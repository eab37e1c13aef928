/**
 * Window performance at any volume: the label-free estimate from a merged prediction sketch
 * (estimateFromScoreSketch) against the estimate on the raw probabilities, and realized metrics
 * from database-style outcome sums (performanceFromSums) against computePerformance on the rows.
 */
import { generateBatch, loadBenchContext } from '../../../bench/drift-support';
import { generateColumns } from '../../../datasets/generator';
import { defaultColumnKinds, PREDICTION_COLUMN } from '../../../src/drift-engine/columns';
import { buildBaselineProfile } from '../../../src/drift-engine/profile';
import { emptySketch, mergeSketchInto, NumericColumnSketch, sketchColumns } from '../../../src/drift-engine/sketch';
import { EstimatedMetrics, estimateFromScoreSketch, estimatePerformance } from '../../../src/performance/cbpe';
import { computePerformance, OutcomeLabel, performanceFromSums } from '../../../src/performance/performance-metrics';
import type { OutcomeSums } from '../../../src/prediction-logs/prediction-logs.repository';
import { mulberry32 } from '../../../src/stats/random';

const context = loadBenchContext();
const THRESHOLD = context.scorer.threshold;
// The shipped model's baseline grid: 5,000 generated rows (seed 1), as the calibration benchmark.
const profile = buildBaselineProfile(generateBatch(context, 5000, 1), defaultColumnKinds());

function predictionSketch(probabilities: Float64Array): NumericColumnSketch {
  return sketchColumns(profile, 'b', { [PREDICTION_COLUMN]: probabilities }, THRESHOLD).columns[PREDICTION_COLUMN] as NumericColumnSketch;
}

const SUM_METRICS = ['accuracy', 'precision', 'recall', 'f1', 'positiveRate', 'brier', 'logLoss', 'expectedDefaultRate'] as const;
const CONFUSION = ['truePositives', 'falsePositives', 'falseNegatives', 'trueNegatives'] as const;

function expectClose(actual: number, expected: number, label: string, tolerance = 1e-9): void {
  if (!(Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)))) throw new Error(`${label}: ${actual} vs ${expected}`);
}

function expectSumMetricsEqual(fromSketch: EstimatedMetrics, exact: EstimatedMetrics, label: string): void {
  for (const key of SUM_METRICS) expectClose(fromSketch[key], exact[key], `${label} ${key}`);
  for (const key of CONFUSION) expectClose(fromSketch.confusion[key], exact.confusion[key], `${label} confusion.${key}`);
}

describe('estimateFromScoreSketch vs estimatePerformance on the same probabilities', () => {
  const batches: Array<[string, Float64Array]> = [
    ...[21, 22, 23].map((seed): [string, Float64Array] => [
      `5,000 rows, seed ${seed}`,
      generateBatch(context, 5000, seed)[PREDICTION_COLUMN],
    ]),
    ['5,000 rows, income −20%', generateBatch(context, 5000, 24, 'income_drop', 0.2)[PREDICTION_COLUMN]],
    ['5,000 rows, segment mix', generateBatch(context, 5000, 25, 'segment_mix', 1)[PREDICTION_COLUMN]],
    ['200 rows', generateBatch(context, 200, 26)[PREDICTION_COLUMN]],
    ['50 rows', generateBatch(context, 50, 27)[PREDICTION_COLUMN]],
  ];

  it.each(batches)('%s: sum-based metrics equal to 1e-9, ROC AUC within rocAucErrorBound', (label, p) => {
    const fromSketch = estimateFromScoreSketch(predictionSketch(p));
    const exact = estimatePerformance(p, THRESHOLD);
    expectSumMetricsEqual(fromSketch, exact, label);
    expect(fromSketch.rocAucErrorBound).toBeGreaterThan(0);
    expect(Math.abs(fromSketch.rocAuc - exact.rocAuc)).toBeLessThanOrEqual(fromSketch.rocAucErrorBound + 1e-12);
  });

  it('the ROC AUC bound is small on the shipped model baseline grid: < 1e-3 for 5,000 scores', () => {
    for (const [label, p] of batches.filter(([, values]) => values.length === 5000)) {
      const { rocAucErrorBound } = estimateFromScoreSketch(predictionSketch(p));
      expect({ label, small: rocAucErrorBound < 1e-3 }).toEqual({ label, small: true });
    }
  });

  it('a window merged from many batch sketches gives the estimate of all its rows', () => {
    const all = batches[0][1];
    const merged = emptySketch('b');
    for (let from = 0; from < all.length; from += 250) {
      mergeSketchInto(merged, sketchColumns(profile, 'b', { [PREDICTION_COLUMN]: all.slice(from, from + 250) }, THRESHOLD));
    }
    const fromWindow = estimateFromScoreSketch(merged.columns[PREDICTION_COLUMN] as NumericColumnSketch);
    const exact = estimatePerformance(all, THRESHOLD);
    expectSumMetricsEqual(fromWindow, exact, 'window');
    expect(Math.abs(fromWindow.rocAuc - exact.rocAuc)).toBeLessThanOrEqual(fromWindow.rocAucErrorBound + 1e-12);
  });

  it('tied probabilities in one bin are scored exactly as the raw estimate scores tie groups', () => {
    // Every row in one grid bin at one value: the binned AUC treats the bin as the tie group it is.
    const p = new Float64Array(400).fill(0.2);
    const fromSketch = estimateFromScoreSketch(predictionSketch(p));
    expect(fromSketch.rocAuc).toBeCloseTo(estimatePerformance(p, THRESHOLD).rocAuc, 12);
    expect(fromSketch.rocAuc).toBeCloseTo(0.5, 12);
  });

  it('fewer than two rows: NaN ROC AUC as estimatePerformance; a sketch without score sums is refused', () => {
    const one = new Float64Array([0.3]);
    expect(estimateFromScoreSketch(predictionSketch(one)).rocAuc).toBeNaN();
    expect(estimatePerformance(one, THRESHOLD).rocAuc).toBeNaN();
    const withoutScores = sketchColumns(profile, 'b', { [PREDICTION_COLUMN]: one }).columns[PREDICTION_COLUMN] as NumericColumnSketch;
    expect(() => estimateFromScoreSketch(withoutScores)).toThrow('the prediction sketch has no score sums');
  });
});

/** What PredictionLogsRepository.windowOutcomeSums computes in SQL, over the labelled rows. */
function outcomeSums(probabilities: ArrayLike<number>, labels: ArrayLike<OutcomeLabel>, threshold: number): OutcomeSums {
  const sums: OutcomeSums = {
    labelled: 0,
    positives: 0,
    truePositives: 0,
    falsePositives: 0,
    falseNegatives: 0,
    trueNegatives: 0,
    squaredError: 0,
    logLossSum: 0,
    rankPairsTwice: 0,
    pairs: 0,
  };
  const groups = new Map<number, { pos: number; neg: number }>();
  for (let i = 0; i < probabilities.length; i++) {
    const y = labels[i];
    if (y === null || y === undefined) continue;
    const p = probabilities[i];
    sums.labelled++;
    if (y) sums.positives++;
    const predicted = p >= threshold;
    if (predicted && y) sums.truePositives++;
    else if (predicted) sums.falsePositives++;
    else if (y) sums.falseNegatives++;
    else sums.trueNegatives++;
    sums.squaredError += (p - (y ? 1 : 0)) ** 2;
    const clipped = Math.max(Math.min(p, 1 - 1e-15), 1e-15);
    sums.logLossSum -= Math.log(y ? clipped : 1 - clipped);
    const group = groups.get(p) ?? { pos: 0, neg: 0 };
    if (y) group.pos++;
    else group.neg++;
    groups.set(p, group);
  }
  let below = 0;
  for (const p of [...groups.keys()].sort((a, b) => a - b)) {
    const { pos, neg } = groups.get(p)!;
    sums.rankPairsTwice += 2 * pos * below + pos * neg;
    below += neg;
  }
  sums.pairs = sums.positives * (sums.labelled - sums.positives);
  return sums;
}

describe('performanceFromSums vs computePerformance on the rows', () => {
  const generated = generateColumns(context.profile, 3000, { seed: 31 });
  const probabilities = context.scorer.score(generated.columns);
  const random = mulberry32(32);
  const labels: OutcomeLabel[] = Array.from(generated.actualDefault, (y) => (random() < 0.4 ? null : y === 1));

  function compare(p: Float64Array, y: OutcomeLabel[]): void {
    const fromSums = performanceFromSums(predictionSketch(p), outcomeSums(p, y, THRESHOLD));
    const fromRows = computePerformance(p, y, THRESHOLD);
    expect(fromSums.rowCount).toBe(fromRows.rowCount);
    expect(fromSums.labelledCount).toBe(fromRows.labelledCount);
    if (fromRows.realized === null) expect(fromSums.realized).toBeNull();
    else {
      expect(fromSums.realized).not.toBeNull();
      const keys = Object.keys(fromRows.realized).sort();
      expect(Object.keys(fromSums.realized!).sort()).toEqual(keys);
      for (const key of keys) {
        const want = (fromRows.realized as unknown as Record<string, number | null>)[key];
        const got = (fromSums.realized as unknown as Record<string, number | null>)[key];
        if (want === null) expect({ key, got }).toEqual({ key, got: null });
        else expectClose(got as number, want, `realized.${key}`, 1e-12);
      }
    }
    const estimate = fromRows.estimated;
    for (const key of SUM_METRICS) expectClose(fromSums.estimated[key]!, estimate[key]!, `estimated.${key}`);
    const bound = estimateFromScoreSketch(predictionSketch(p)).rocAucErrorBound;
    expect(Math.abs(fromSums.estimated.rocAuc! - estimate.rocAuc!)).toBeLessThanOrEqual(bound + 1e-12);
  }

  it('realized metrics equal on 3,000 rows with 40% unlabelled', () => {
    compare(probabilities, labels);
  });

  it('equal with tied probabilities (mid-rank ties in the AUC)', () => {
    const rounded = probabilities.map((v) => Math.round(v * 50) / 50);
    compare(rounded, labels);
  });

  it('one class among the labels gives a null ROC AUC in both; no labels gives no realized metrics', () => {
    const onlyRepaid: OutcomeLabel[] = labels.map((y) => (y === null ? null : false));
    compare(probabilities, onlyRepaid);
    expect(
      performanceFromSums(predictionSketch(probabilities), outcomeSums(probabilities, onlyRepaid, THRESHOLD)).realized!.rocAuc,
    ).toBeNull();
    const none: OutcomeLabel[] = labels.map(() => null);
    compare(probabilities, none);
    expect(performanceFromSums(predictionSketch(probabilities), outcomeSums(probabilities, none, THRESHOLD)).realized).toBeNull();
  });

  it('a handful of hand-checked rows', () => {
    const p = new Float64Array([0.9, 0.6, 0.6, 0.2, 0.1]);
    const y: OutcomeLabel[] = [true, false, true, null, false];
    const sums = outcomeSums(p, y, 0.5);
    expect(sums).toMatchObject({
      labelled: 4,
      positives: 2,
      truePositives: 2,
      falsePositives: 1,
      falseNegatives: 0,
      trueNegatives: 1,
      pairs: 4,
    });
    // Pairs (positive above negative): 0.9 > 0.6, 0.9 > 0.1, 0.6 ~ 0.6 (half), 0.6 > 0.1 → 3.5 of 4.
    expect(sums.rankPairsTwice).toBe(7);
    const figures = performanceFromSums(predictionSketch(p), sums);
    expect(figures.realized!.rocAuc).toBe(0.875);
    compare(p, y);
  });
});
