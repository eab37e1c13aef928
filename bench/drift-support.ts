/**
 * Shared set-up for the drift benchmarks: synthetic batches from datasets/generator.ts, scored by
 * the model artifact (or the service's fallback scorer when no artifact has been trained yet),
 * turned into the column map the drift engine takes; and the calibration benchmark's studies
 * (per-baseline false alarms, the Wasserstein gate's minimum detectable shift, the permutation
 * test's cost).
 */
import { existsSync } from 'node:fs';
import { DataProfile, generateColumns, loadProfile, ScenarioName } from '../datasets/generator';
import { checkDrift } from '../src/drift-engine/check';
import { defaultColumnKinds, PREDICTION_COLUMN } from '../src/drift-engine/columns';
import { DEFAULT_DRIFT_CONFIG } from '../src/drift-engine/config';
import { homogeneityTest } from '../src/drift-engine/permutation-chi-square';
import { buildBaselineProfile } from '../src/drift-engine/profile';
import { buildWassersteinNoiseModel, WassersteinNoiseModel, wassersteinShiftEstimate } from '../src/drift-engine/wasserstein-gate';
import { DISCRETE_FEATURES } from '../src/model/features';
import { FeatureColumns } from '../src/model/features';
import { loadScorer, Scorer } from '../src/model/scorer';
import { deriveSeed } from '../src/stats/random';
import { lowerBound, sortFloat64InPlace } from '../src/stats/sorting';
import { wassersteinSorted } from '../src/stats/wasserstein';

export const MODEL_ARTIFACT = 'artifacts/model.json';

const DISCRETE_COLUMNS: ReadonlySet<string> = DISCRETE_FEATURES;

export interface BenchContext {
  profile: DataProfile;
  scorer: Scorer;
  describe: string;
}

/** Reads `--name value` from argv. */
export function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

export function loadBenchContext(): BenchContext {
  const profilePath = argument('profile');
  const profile = loadProfile(profilePath);
  const loaded = loadScorer(MODEL_ARTIFACT);
  if (loaded.warning) process.stderr.write(`note: ${loaded.warning}\n`);
  const describe = `data profile ${profilePath ?? 'datasets/credit-g-profile.json'}; scorer ${loaded.scorer.modelVersion}${
    existsSync(MODEL_ARTIFACT) ? '' : ' (no artifact yet)'
  }`;
  return { profile, scorer: loaded.scorer, describe };
}

/** Features plus the model's predicted probability, as the drift engine expects. */
export function driftColumns(columns: FeatureColumns, scorer: Scorer): Record<string, Float64Array> {
  return { ...columns, [PREDICTION_COLUMN]: scorer.score(columns) };
}

export function generateBatch(
  context: BenchContext,
  n: number,
  seed: number,
  scenario?: ScenarioName,
  strength?: number,
): Record<string, Float64Array> {
  const generated = generateColumns(context.profile, n, { seed, scenario, strength });
  return driftColumns(generated.columns, context.scorer);
}

export function formatPercent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

export function padRight(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

export function padLeft(text: string, width: number): string {
  return text.length >= width ? text : ' '.repeat(width - text.length) + text;
}

/** Median, 90th and 95th percentile, share above `limit`, mean and maximum of rates. */
export interface RateDistribution {
  median: number;
  p90: number;
  p95: number;
  shareAbove: number;
  mean: number;
  max: number;
}

export function rateDistribution(rates: number[], limit: number): RateDistribution {
  const sorted = [...rates].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
  return {
    median: at(0.5),
    p90: at(0.9),
    p95: at(0.95),
    shareAbove: sorted.filter((r) => r > limit).length / sorted.length,
    mean: sorted.reduce((s, r) => s + r, 0) / sorted.length,
    max: sorted[sorted.length - 1],
  };
}

export interface PerBaselineStudy {
  baselineRows: number;
  baselines: number;
  batchRows: number[];
  batchesPerBaseline: number;
  seed: number;
}

/** Per baseline, the share of its no-drift batches that raised DRIFT, and that were significant. */
export interface PerBaselineRates {
  drift: number[];
  significant: number[];
}

/**
 * Per-baseline false alarms: `baselines` fresh baselines of `baselineRows` rows, each judged (full
 * verdict, default config) on `batchesPerBaseline` no-drift batches of every size. Batches come
 * from a pool per size (fresh seeds, each shared by a few baselines, capped at ~50 MB) so that
 * generating rows does not dominate; a baseline meets a different slice of the pool.
 */
export function perBaselineFalseAlarms(
  context: BenchContext,
  study: PerBaselineStudy,
  progress: (done: number) => void = () => undefined,
): Map<number, PerBaselineRates> {
  const alpha = DEFAULT_DRIFT_CONFIG.alpha;
  const pools = new Map<number, Array<Record<string, Float64Array>>>();
  for (const rows of study.batchRows) {
    const size = Math.max(study.batchesPerBaseline, Math.min(10 * study.batchesPerBaseline, Math.floor(50e6 / (80 * rows))));
    pools.set(
      rows,
      Array.from({ length: size }, (_v, i) => generateBatch(context, rows, deriveSeed(study.seed, 1, rows, i))),
    );
  }
  const out = new Map<number, PerBaselineRates>(study.batchRows.map((rows) => [rows, { drift: [], significant: [] }]));
  for (let b = 0; b < study.baselines; b++) {
    const profile = buildBaselineProfile(
      generateBatch(context, study.baselineRows, deriveSeed(study.seed, 2, study.baselineRows, b)),
      defaultColumnKinds(),
    );
    for (const rows of study.batchRows) {
      const pool = pools.get(rows) as Array<Record<string, Float64Array>>;
      let drift = 0;
      let significant = 0;
      for (let k = 0; k < study.batchesPerBaseline; k++) {
        const result = checkDrift(profile, pool[(b * study.batchesPerBaseline + k) % pool.length]);
        if (result.status === 'DRIFT') drift++;
        if (result.features.some((f) => f.evaluated && f.adjustedPValue !== null && f.adjustedPValue <= alpha)) significant++;
      }
      const rates = out.get(rows) as PerBaselineRates;
      rates.drift.push(drift / study.batchesPerBaseline);
      rates.significant.push(significant / study.batchesPerBaseline);
    }
    progress(b + 1);
  }
  return out;
}

/**
 * W1 between `small` (ascending) moved by `shift` and `large` (ascending, with `prefix`, its prefix
 * sums: prefix[j] = Σ large[0..j−1]), as ∫₀¹ |Q_large(u) − Q_small(u)| du: on each quantile step of
 * the small sample the large sample's quantile function is integrated in closed form on either
 * side of the crossing point. O(m log M) instead of the O(m + M) merge — what makes simulating
 * thousands of small batches against a large baseline cheap.
 */
export function wassersteinSmallAgainstLarge(small: ArrayLike<number>, shift: number, large: Float64Array, prefix: Float64Array): number {
  const m = small.length;
  const size = large.length;
  const integral = (u: number): number => {
    const j = Math.min(size - 1, Math.floor(u * size));
    return prefix[j] / size + (u - j / size) * large[j];
  };
  let total = 0;
  for (let i = 0; i < m; i++) {
    const c = small[i] + shift;
    const u0 = i / m;
    const u1 = (i + 1) / m;
    const crossing = Math.min(u1, Math.max(u0, lowerBound(large, c) / size));
    const g0 = integral(u0);
    const gc = integral(crossing);
    const g1 = i + 1 === m ? prefix[size] / size : integral(u1);
    total += c * (crossing - u0) - (gc - g0) + (g1 - gc) - c * (u1 - crossing);
  }
  return total;
}

export function prefixSums(sorted: ArrayLike<number>): Float64Array {
  const prefix = new Float64Array(sorted.length + 1);
  for (let j = 0; j < sorted.length; j++) prefix[j + 1] = prefix[j] + sorted[j];
  return prefix;
}

/** W1 of ascending `batch` moved by `shift` against an ascending baseline, the cheaper way. */
export function shiftedWasserstein(
  batch: Float64Array,
  shift: number,
  baseline: Float64Array,
  prefix: Float64Array,
  scratch: Float64Array,
): number {
  if (4 * batch.length <= baseline.length) return wassersteinSmallAgainstLarge(batch, shift, baseline, prefix);
  const moved = scratch.subarray(0, batch.length);
  for (let i = 0; i < batch.length; i++) moved[i] = batch[i] + shift;
  return wassersteinSorted(baseline, moved);
}

export interface DetectableShift {
  column: string;
  batchRows: number;
  /** True location shift (baseline SDs) meeting the gate in half of the batches. */
  current: number;
  /** The same under the previous rule, (W1 − E[W1 | no shift]) / sd. */
  previous: number;
  batches: number;
}

export interface DetectableShiftStudy {
  baselineRows: number;
  baselines: number;
  /** Batches at 50 rows; fewer at larger sizes (∝ 1/√n, at least 200), where the hit rate is steeper. */
  batchesAt50: number;
  threshold: number;
  seed: number;
}

/**
 * Minimum detectable shift of the Wasserstein gate per numeric column and batch size: no-drift
 * batches (dealt round-robin to `baselines` fresh baselines) have the column moved by δ baseline
 * SDs — a pure location shift — and δ is bisected until the gate (effect ≥ threshold) is met in
 * half of them. Fresh baselines, because a fixed baseline's own sampling error moves its checks'
 * detectable shift by ±10–20% once batches are as large as it (see the per-baseline study).
 */
export function minimumDetectableShifts(context: BenchContext, batchRows: number[], study: DetectableShiftStudy): DetectableShift[] {
  interface BaselineColumn {
    sorted: Float64Array;
    prefix: Float64Array;
    sd: number;
    model: WassersteinNoiseModel;
  }
  const baselines: Array<Record<string, BaselineColumn>> = [];
  let columns: string[] = [];
  for (let b = 0; b < study.baselines; b++) {
    const generated = generateBatch(context, study.baselineRows, deriveSeed(study.seed, 1, b));
    columns = Object.keys(generated).filter((name) => !DISCRETE_COLUMNS.has(name));
    const entry: Record<string, BaselineColumn> = {};
    for (const name of columns) {
      const sorted = sortFloat64InPlace(generated[name].filter((v) => Number.isFinite(v)));
      let mean = 0;
      for (const v of sorted) mean += v;
      mean /= sorted.length;
      let squares = 0;
      for (const v of sorted) squares += (v - mean) ** 2;
      const sd = Math.sqrt(squares / (sorted.length - 1));
      entry[name] = { sorted, prefix: prefixSums(sorted), sd, model: buildWassersteinNoiseModel(sorted, sd) };
    }
    baselines.push(entry);
  }
  const out: DetectableShift[] = [];
  for (const rows of batchRows) {
    const count = Math.max(200, Math.round(study.batchesAt50 * Math.sqrt(50 / rows)));
    const generated = Array.from({ length: count }, (_v, i) => generateBatch(context, rows, deriveSeed(study.seed, 2, rows, i)));
    const scratch = new Float64Array(rows);
    for (const name of columns) {
      const samples = generated.map((batch) => sortFloat64InPlace(batch[name].filter((v) => Number.isFinite(v))));
      const hitRate = (shift: number, effect: (column: BaselineColumn, w: number, n: number) => number): number => {
        let hits = 0;
        samples.forEach((sample, i) => {
          const column = baselines[i % baselines.length][name];
          const w = shiftedWasserstein(sample, shift * column.sd, column.sorted, column.prefix, scratch);
          if (effect(column, w, sample.length) >= study.threshold) hits++;
        });
        return hits / samples.length;
      };
      const bisect = (effect: (column: BaselineColumn, w: number, n: number) => number): number => {
        if (hitRate(0, effect) >= 0.5) return 0;
        let lo = 0;
        let hi = 8 * study.threshold;
        for (let k = 0; k < 14; k++) {
          const mid = 0.5 * (lo + hi);
          if (hitRate(mid, effect) >= 0.5) hi = mid;
          else lo = mid;
        }
        return 0.5 * (lo + hi);
      };
      out.push({
        column: name,
        batchRows: rows,
        batches: count,
        current: bisect((column, w, n) => wassersteinShiftEstimate(column.model, w, study.baselineRows, n)),
        previous: bisect((column, w, n) => {
          const noise = Math.sqrt(2 / Math.PI) * column.model.spread * Math.sqrt(1 / study.baselineRows + 1 / n);
          return Math.max(0, w - noise) / column.sd;
        }),
      });
    }
  }
  return out;
}

export interface PermutationCost {
  categories: number;
  batchRows: number;
  case: 'no drift' | 'drift';
  method: string;
  draws: number | null;
  milliseconds: number;
}

/**
 * Cost of the discrete columns' homogeneity test (permutation-chi-square.ts) against a 5,000-row
 * baseline whose last category holds 0.06% of the rows (so the permutation path is taken at every
 * batch size): per test, for K categories, a batch at the baseline mix and one with 5% of its rows
 * moved into that rare category (Monte-Carlo then runs to its 1,999-draw maximum).
 */
export function permutationTestCosts(categorySets: number[], batchRows: number[], repetitions = 20): PermutationCost[] {
  const out: PermutationCost[] = [];
  for (const k of categorySets) {
    const weights = Array.from({ length: k - 1 }, (_v, i) => Math.pow(0.7, i));
    const total = weights.reduce((s, w) => s + w, 0);
    const probabilities = [...weights.map((w) => (w / total) * (1 - 0.0006)), 0.0006];
    const reference = probabilities.map((p) => Math.max(1, Math.round(p * 5000)));
    for (const rows of batchRows) {
      for (const which of ['no drift', 'drift'] as const) {
        const moved = which === 'drift' ? Math.round(0.05 * rows) : 0;
        const current = probabilities.map((p) => Math.round(p * (rows - moved)));
        current[k - 1] += moved;
        homogeneityTest(reference, current); // warm-up
        const started = process.hrtime.bigint();
        let result = homogeneityTest(reference, current);
        for (let r = 1; r < repetitions; r++) result = homogeneityTest(reference, current);
        const milliseconds = Number(process.hrtime.bigint() - started) / 1e6 / repetitions;
        out.push({ categories: k, batchRows: rows, case: which, method: result.pValueMethod, draws: result.draws ?? null, milliseconds });
      }
    }
  }
  return out;
}
