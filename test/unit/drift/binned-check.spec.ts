/**
 * Binned (window) checks against exact checks on the same rows: the calibration benchmark's
 * batches judged by checkDrift on raw values and by checkDriftBinned on their sketch, with every
 * binned statistic held to the error bound it reports (binned-comparison.ts), and the window
 * task's merge of encoded per-batch sketches.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { generateBatch, loadBenchContext } from '../../../bench/drift-support';
import { ScenarioName } from '../../../datasets/generator';
import { checkDrift, checkDriftBinned } from '../../../src/drift-engine/check';
import { defaultColumnKinds, PREDICTION_COLUMN } from '../../../src/drift-engine/columns';
import { buildBaselineProfile } from '../../../src/drift-engine/profile';
import { BaselineProfile } from '../../../src/drift-engine/profile-types';
import { DriftCheckResult, FeatureDriftResult } from '../../../src/drift-engine/result-types';
import { encodeSketch, NumericColumnSketch, sketchColumns } from '../../../src/drift-engine/sketch';
import { wassersteinNoiseModel, wassersteinShiftEstimate } from '../../../src/drift-engine/wasserstein-gate';
import { checkWindowSketches } from '../../../src/monitoring-jobs/window-check.task';
import { estimateFromScoreSketch } from '../../../src/performance/cbpe';
import type { BinnedPair, BinnedPairsJob } from './support/binned-pairs.worker';

/**
 * The scenarios of bench/drift-calibration.ts (names and strengths copied from there: importing
 * the benchmark would run it). Keep in step with that file.
 */
const SCENARIOS: Array<{ name: 'none' | ScenarioName; strength?: number }> = [
  { name: 'none' },
  { name: 'income_drop', strength: 0.2 },
  { name: 'older_applicants', strength: 5 },
  { name: 'higher_utilization', strength: 0.1 },
  { name: 'larger_loans', strength: 0.5 },
  { name: 'higher_dti', strength: 0.3 },
  { name: 'more_delinquencies', strength: 0.3 },
  { name: 'segment_mix', strength: 1 },
  { name: 'younger_applicants', strength: 5 },
  { name: 'concept_drift', strength: 0.5 },
];
const SIZES = [50, 200, 1000, 5000];
const TRIALS = 15;
/** The benchmark's seed derivation, so trial k here is trial k of npm run bench:drift-calibration. */
const BENCH_SEED = 20240601;
/** Room for floating-point rounding between two ways of computing the same number. */
const ROUNDING = 1e-12;

const BASELINE_ROWS = 5000;
const BASELINE_SEED = 1;

const context = loadBenchContext();
const THRESHOLD = context.scorer.threshold;
// The same baseline the workers build (deterministic), for the columns' standard deviations.
const profile: BaselineProfile = buildBaselineProfile(generateBatch(context, BASELINE_ROWS, BASELINE_SEED), defaultColumnKinds());

/**
 * The pairs are computed in worker threads: Jest's module sandbox runs the exact KS lattice
 * p-values (most of the work) several times slower than plain Node.
 */
function runPairs(job: BinnedPairsJob): Promise<BinnedPair[]> {
  return new Promise((resolvePairs, reject) => {
    const worker = new Worker(join(__dirname, 'support', 'binned-pairs.worker.ts'), {
      workerData: job,
      execArgv: ['-r', require.resolve('ts-node/register/transpile-only')],
    });
    let result: BinnedPair[] | null = null;
    worker.once('message', (pairs: BinnedPair[]) => (result = pairs));
    worker.once('error', reject);
    worker.once('exit', (code) => (result ? resolvePairs(result) : reject(new Error(`pairs worker exited with ${code}`))));
  });
}

function byFeature(result: DriftCheckResult): Map<string, FeatureDriftResult> {
  return new Map(result.features.map((f) => [f.feature, f]));
}

/**
 * The effect sizes W1 ± its binning error bound maps to: the gate's effect is a monotone (not
 * linear) function of W1 (wasserstein-gate.ts), so the bound carries over through that function.
 */
function effectRange(feature: FeatureDriftResult, wasserstein: number, bound: number): [number, number] {
  const column = profile.columns[feature.feature];
  if (column.kind !== 'numeric') throw new Error(`${feature.feature} is not numeric`);
  const model = wassersteinNoiseModel(column);
  return [
    wassersteinShiftEstimate(model, Math.max(0, wasserstein - bound), column.count, feature.sampleSize),
    wassersteinShiftEstimate(model, wasserstein + bound, column.count, feature.sampleSize),
  ];
}

describe('binned vs exact on the calibration benchmark batches', () => {
  let pairs: BinnedPair[] = [];

  beforeAll(async () => {
    // Two workers (the machine's two cores), scenarios dealt alternately so both get similar work.
    const jobs = [0, 1].map((part) =>
      runPairs({
        scenarios: SCENARIOS.map((scenario, index) => ({ index, ...scenario })).filter((_s, index) => index % 2 === part),
        sizes: SIZES,
        trials: TRIALS,
        benchSeed: BENCH_SEED,
        baselineRows: BASELINE_ROWS,
        baselineSeed: BASELINE_SEED,
      }),
    );
    pairs = (await Promise.all(jobs)).flat();
  });

  it('covers every scenario × size × trial', () => {
    expect(pairs).toHaveLength(SCENARIOS.length * SIZES.length * TRIALS);
  });

  it('batch verdicts are equal, and so are row counts and which columns were evaluated', () => {
    const different = pairs
      .filter((p) => p.exact.status !== p.binned.status)
      .map((p) => `${p.label}: ${p.exact.status} vs ${p.binned.status}`);
    expect(different).toEqual([]);
    for (const { exact, binned } of pairs) {
      expect(binned.rowCount).toBe(exact.rowCount);
      expect(binned.notEvaluated).toEqual(exact.notEvaluated);
      expect(binned.features.map((f) => [f.feature, f.evaluated])).toEqual(exact.features.map((f) => [f.feature, f.evaluated]));
    }
  });

  it('column verdicts are equal except at a gate, where the difference is within the reported error bounds', () => {
    // Binning is not exact for KS and Wasserstein, so a column whose statistic sits on a gate can
    // flip; the flip must then be (a) a significance loss (D_binned ≤ D, the binned test is
    // conservative), or (b) a Wasserstein effect within its error bound of the threshold.
    const flips: string[] = [];
    for (const { label, exact, binned } of pairs) {
      const binnedByFeature = byFeature(binned);
      for (const e of exact.features) {
        const b = binnedByFeature.get(e.feature)!;
        if (!e.evaluated) continue;
        // Holm adjustment is monotone in every raw p-value and binned p-values are never smaller.
        expect(b.adjustedPValue!).toBeGreaterThanOrEqual(e.adjustedPValue! - ROUNDING);
        if (e.drifted === b.drifted) continue;
        flips.push(`${label} ${e.feature}: exact ${e.drifted}, binned ${b.drifted}`);
        const alpha = e.threshold;
        const exactSignificant = e.adjustedPValue! <= alpha;
        const binnedSignificant = b.adjustedPValue! <= alpha;
        if (exactSignificant !== binnedSignificant) {
          expect({ label, feature: e.feature, lostSignificance: exactSignificant && !binnedSignificant }).toEqual({
            label,
            feature: e.feature,
            lostSignificance: true,
          });
          continue;
        }
        expect(e.kind).toBe('numeric');
        const [low, high] = effectRange(e, e.wasserstein!, b.binning!.wassersteinErrorBound);
        expect(low).toBeLessThanOrEqual(e.effectThreshold + ROUNDING);
        expect(high).toBeGreaterThanOrEqual(e.effectThreshold - ROUNDING);
        expect(Math.min(e.effectSize!, b.effectSize!)).toBeLessThan(e.effectThreshold);
        expect(Math.max(e.effectSize!, b.effectSize!)).toBeGreaterThanOrEqual(e.effectThreshold);
      }
    }
    // 3 of 5,400 column verdicts on these batches (all on the prediction column of
    // more_delinquencies, whose exact effect is within 0.0006 sd of the 0.1 gate or whose
    // Holm-adjusted p is 0.048); none changes a batch verdict.
    expect(flips.length).toBeLessThanOrEqual(pairs.length * 0.01);
  });

  it('numeric KS: D_binned ≤ D_exact ≤ D_binned + ksErrorBound', () => {
    for (const { label, exact, binned } of pairs) {
      const binnedByFeature = byFeature(binned);
      for (const e of exact.features) {
        if (e.kind !== 'numeric' || !e.ks) continue;
        const b = binnedByFeature.get(e.feature)!;
        const bound = b.binning!.ksErrorBound;
        const where = { label, feature: e.feature };
        expect(b.binning!.bins).toBeGreaterThan(1);
        // The two ways of computing a lattice value i/N − j/n may differ in the last bit.
        if (!(b.ks!.statistic <= e.ks.statistic + ROUNDING))
          throw new Error(`${JSON.stringify(where)}: D_binned ${b.ks!.statistic} > D ${e.ks.statistic}`);
        if (!(e.ks.statistic - b.ks!.statistic <= bound + ROUNDING)) {
          throw new Error(`${JSON.stringify(where)}: D − D_binned = ${e.ks.statistic - b.ks!.statistic} > bound ${bound}`);
        }
        // Never more significant than the exact test.
        expect(b.ks!.pValue).toBeGreaterThanOrEqual(e.ks.pValue - ROUNDING);
      }
    }
  });

  it('numeric Wasserstein: |W_binned − W_exact| ≤ wassersteinErrorBound', () => {
    for (const { label, exact, binned } of pairs) {
      const binnedByFeature = byFeature(binned);
      for (const e of exact.features) {
        if (e.kind !== 'numeric' || e.wasserstein === null) continue;
        const b = binnedByFeature.get(e.feature)!;
        const bound = b.binning!.wassersteinErrorBound;
        const gap = Math.abs(b.wasserstein! - e.wasserstein);
        if (!(gap <= bound + ROUNDING * Math.max(1, e.wasserstein)))
          throw new Error(`${label} ${e.feature}: |ΔW| = ${gap} > bound ${bound}`);
        const [low, high] = effectRange(e, e.wasserstein, bound);
        expect(b.effectSize!).toBeGreaterThanOrEqual(low - ROUNDING);
        expect(b.effectSize!).toBeLessThanOrEqual(high + ROUNDING);
      }
    }
  });

  it('PSI and Jensen–Shannon equal to 1e-12 on every column; discrete columns identical (chi-square included)', () => {
    for (const { label, exact, binned } of pairs) {
      const binnedByFeature = byFeature(binned);
      for (const e of exact.features) {
        const b = binnedByFeature.get(e.feature)!;
        if (e.psi === null) continue;
        if (!(Math.abs(b.psi! - e.psi) <= 1e-12)) throw new Error(`${label} ${e.feature}: PSI ${b.psi} vs ${e.psi}`);
        if (!(Math.abs(b.jensenShannon! - e.jensenShannon!) <= 1e-12))
          throw new Error(`${label} ${e.feature}: JS ${b.jensenShannon} vs ${e.jensenShannon}`);
        if (!(Math.abs(b.psiExcess! - e.psiExcess!) <= 1e-12))
          throw new Error(`${label} ${e.feature}: PSI excess ${b.psiExcess} vs ${e.psiExcess}`);
        if (e.kind === 'discrete') {
          expect({
            label,
            feature: e.feature,
            chiSquare: b.chiSquare,
            pValue: b.pValue,
            effect: b.effectSize,
            histogram: b.histogram,
          }).toEqual({
            label,
            feature: e.feature,
            chiSquare: e.chiSquare,
            pValue: e.pValue,
            effect: e.effectSize,
            histogram: e.histogram,
          });
          expect(b.binning).toBeUndefined();
        }
      }
    }
  });

  it('the batches exercise both verdicts and both sides of the gates', () => {
    const statuses = new Set(pairs.map((p) => p.exact.status));
    expect(statuses.has('STABLE') && statuses.has('DRIFT')).toBe(true);
    const driftedColumns = new Set(pairs.flatMap((p) => p.binned.features.filter((f) => f.drifted).map((f) => f.feature)));
    expect(driftedColumns.size).toBeGreaterThanOrEqual(6);
  });
});

describe('checkWindowSketches (the window task)', () => {
  const rows = generateBatch(context, 4000, 77, 'higher_dti', 0.3);
  const whole = sketchColumns(profile, 'baseline-1', rows, THRESHOLD);
  const slice = (from: number, to: number) =>
    Object.fromEntries(Object.entries(rows).map(([name, values]) => [name, values.slice(from, to)]));

  function encodedBatches(cuts: number[]): Uint8Array[] {
    const bounds = [0, ...cuts, 4000];
    return bounds.slice(1).map((end, i) => encodeSketch(sketchColumns(profile, 'baseline-1', slice(bounds[i], end), THRESHOLD)));
  }

  it('merging N encoded per-batch sketches and judging equals checkDriftBinned on the sketch of all rows', () => {
    // Uneven batches, one of them empty; the profile as it comes back from jsonb.
    const sketches = encodedBatches([1, 300, 300, 1111, 2500, 3999]);
    expect(sketches).toHaveLength(7);
    const out = checkWindowSketches({ profile: JSON.parse(JSON.stringify(profile)), baselineId: 'baseline-1', sketches, config: {} });
    const direct = checkDriftBinned(profile, whole);
    expect(out.rowCount).toBe(4000);
    // Numeric comparisons read counts and extremes only, which merge exactly: the results match.
    expect(out.result).toEqual(direct);
    expect(out.result!.status).toBe(checkDrift(profile, rows).status);

    const merged = out.prediction!;
    const all = whole.columns[PREDICTION_COLUMN] as NumericColumnSketch;
    expect(Array.from(merged.counts)).toEqual(Array.from(all.counts));
    const fromWindow = estimateFromScoreSketch(merged);
    const fromWhole = estimateFromScoreSketch(all);
    for (const key of [
      'rocAuc',
      'rocAucErrorBound',
      'accuracy',
      'precision',
      'recall',
      'f1',
      'positiveRate',
      'brier',
      'logLoss',
      'expectedDefaultRate',
    ] as const) {
      expect(Math.abs(fromWindow[key] - fromWhole[key])).toBeLessThanOrEqual(1e-9);
    }
  });

  it('passes the window config through, and without a baseline only merges the prediction column', () => {
    const sketches = encodedBatches([2000]);
    const strict = checkWindowSketches({ profile, baselineId: 'baseline-1', sketches, config: { minSampleSize: 5000 } });
    expect(strict.result!.status).toBe('INSUFFICIENT_DATA');
    expect(strict.result).toEqual(checkDriftBinned(profile, whole, { minSampleSize: 5000 }));
    const noBaseline = checkWindowSketches({ profile: null, baselineId: 'baseline-1', sketches, config: {} });
    expect(noBaseline.result).toBeNull();
    expect(noBaseline.rowCount).toBe(4000);
    expect(noBaseline.prediction!.count).toBe(4000);
  });

  it('an empty window is INSUFFICIENT_DATA with nothing evaluated', () => {
    const out = checkWindowSketches({ profile, baselineId: 'baseline-1', sketches: [], config: {} });
    expect(out.rowCount).toBe(0);
    expect(out.prediction).toBeNull();
    expect(out.result!.status).toBe('INSUFFICIENT_DATA');
    expect(out.result!.features.every((f) => !f.evaluated && f.reason === 'column missing from the batch')).toBe(true);
  });

  it('refuses a sketch binned on another baseline, and reports progress on long windows', () => {
    const foreign = encodeSketch(sketchColumns(profile, 'baseline-2', slice(0, 10), THRESHOLD));
    expect(() => checkWindowSketches({ profile, baselineId: 'baseline-1', sketches: [foreign], config: {} })).toThrow(
      'cannot merge sketches of baselines baseline-1 and baseline-2',
    );

    const tiny = encodeSketch(sketchColumns(profile, 'baseline-1', slice(0, 2), THRESHOLD));
    const progress: unknown[] = [];
    const out = checkWindowSketches(
      { profile, baselineId: 'baseline-1', sketches: new Array<Uint8Array>(1000).fill(tiny), config: {} },
      (report) => progress.push(report),
    );
    expect(out.rowCount).toBe(2000);
    expect(progress).toEqual([
      { stage: 'merging batch profiles', merged: 500, of: 1000 },
      { stage: 'merging batch profiles', merged: 1000, of: 1000 },
    ]);
  });
});
