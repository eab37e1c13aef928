import { generateRows, loadProfile } from '../../../datasets/generator';
import { loadArtifact } from '../../../src/model/artifact';
import { toColumns } from '../../../src/model/features';
import { artifactScorer } from '../../../src/model/scorer';
import { estimatePerformance, expectedConfusion, expectedRocAuc } from '../../../src/performance/cbpe';
import { rocAuc } from '../../../src/stats/classification-metrics';
import { mulberry32 } from '../../../src/stats/random';

/** The definition, O(n²), over ordered pairs of distinct rows. */
function bruteForceExpectedAuc(p: number[]): number {
  let numerator = 0;
  let denominator = 0;
  for (let i = 0; i < p.length; i++) {
    for (let j = 0; j < p.length; j++) {
      if (i === j) continue;
      const weight = p[i] * (1 - p[j]);
      denominator += weight;
      numerator += weight * (p[i] > p[j] ? 1 : p[i] === p[j] ? 0.5 : 0);
    }
  }
  return numerator / denominator;
}

describe('CBPE (confidence-based performance estimation)', () => {
  it('expected ROC AUC by sorting equals the O(n²) definition, with and without ties', () => {
    const random = mulberry32(7);
    const continuous = Array.from({ length: 300 }, () => random());
    const tied = Array.from({ length: 300 }, () => Math.round(random() * 10) / 10);
    for (const p of [continuous, tied, [0.2, 0.2], [0.1, 0.9, 0.5, 0.5, 0.5]]) {
      expect(expectedRocAuc(p)).toBeCloseTo(bruteForceExpectedAuc(p), 12);
    }
  });

  it('is undefined (NaN) without at least two rows, 0.5 when every probability is the same', () => {
    expect(expectedRocAuc([0.4])).toBeNaN();
    expect(expectedRocAuc([0.3, 0.3, 0.3])).toBeCloseTo(0.5, 12);
  });

  it('expected confusion matrix: rows at or above the threshold contribute p to TP and 1 − p to FP', () => {
    const confusion = expectedConfusion([0.9, 0.6, 0.5, 0.2], 0.5);
    expect(confusion.truePositives).toBeCloseTo(2.0, 12);
    expect(confusion.falsePositives).toBeCloseTo(1.0, 12);
    expect(confusion.falseNegatives).toBeCloseTo(0.2, 12);
    expect(confusion.trueNegatives).toBeCloseTo(0.8, 12);
    const estimate = estimatePerformance([0.9, 0.6, 0.5, 0.2], 0.5);
    expect(estimate.accuracy).toBeCloseTo(2.8 / 4, 12);
    expect(estimate.precision).toBeCloseTo(2 / 3, 12);
    expect(estimate.recall).toBeCloseTo(2 / 2.2, 12);
    expect(estimate.positiveRate).toBe(0.75);
    expect(estimate.expectedDefaultRate).toBeCloseTo(0.55, 12);
  });

  describe('on generated batches of 5,000 rows scored by the shipped model', () => {
    const scorer = artifactScorer(loadArtifact('artifacts/model.json'));
    const profile = loadProfile();
    const measure = (seed: number, scenario?: 'concept_drift') => {
      const rows = generateRows(profile, 5_000, { seed, scenario });
      const p = scorer.score(toColumns(rows));
      return {
        realized: rocAuc(
          rows.map((r) => (r.actualDefault ? 1 : 0)),
          p,
        ),
        estimated: estimatePerformance(p, scorer.threshold).rocAuc,
      };
    };

    it.each([11, 12, 13, 14, 15])('without drift the estimate is within 0.03 ROC AUC of realized (seed %i)', (seed) => {
      const { realized, estimated } = measure(seed);
      expect(Math.abs(estimated - realized)).toBeLessThan(0.03);
    });

    it.each([11, 12, 13])('under concept drift the gap widens past 0.05: the probabilities are no longer calibrated (seed %i)', (seed) => {
      const stable = measure(seed);
      const drifted = measure(seed, 'concept_drift');
      expect(drifted.estimated - drifted.realized).toBeGreaterThan(0.05);
      expect(drifted.estimated - drifted.realized).toBeGreaterThan(Math.abs(stable.estimated - stable.realized) + 0.05);
    });
  });
});
