/**
 * checkDrift: compares one batch (or window) of current data with a baseline profile and returns
 * per-column results plus a batch verdict. Pure: no I/O, no clock, no randomness — the same
 * inputs always give the same result, so the per-batch check, the CLI and the windowed re-check
 * agree.
 *
 * Batch status:
 * - INSUFFICIENT_DATA when the batch has fewer than `minSampleSize` rows, or no column could be
 *   evaluated. Too little data is never reported as STABLE and never as DRIFT.
 * - DRIFT when at least one evaluated column drifted (verdict.ts: significant after Holm AND
 *   material after noise correction).
 * - STABLE otherwise. Columns that could not be evaluated (missing, non-finite values, disabled)
 *   are listed in `notEvaluated` and carry `evaluated: false`; they never count as "no drift".
 *
 * globalScore: weighted share of drifted columns among evaluated ones, the prediction column
 * weighing 2 and each feature 1 — a drifting score matters more than any single input.
 */
import { countNonFinite, sortFloat64InPlace } from '../stats/sorting';
import { baselineSizeWarnings } from './baseline-size';
import { compareDiscreteBinned, compareNumericBinned } from './binned-comparison';
import { countCategories, countIntoHistogram, toProportions } from './binning';
import { ColumnKind, DRIFT_COLUMNS, PREDICTION_COLUMN } from './columns';
import { ColumnComparison } from './comparison-types';
import { columnSettings, DriftConfig, resolveDriftConfig } from './config';
import { compareDiscrete } from './discrete-comparison';
import { MULTIVARIATE_COLUMN, MULTIVARIATE_MIN_ROWS, withMultivariateColumn } from './multivariate';
import { compareNumeric } from './numeric-comparison';
import { BaselineProfile, ColumnProfile } from './profile-types';
import type { ColumnDriftStatus } from './result-types';
import { BinnedComparison, DriftCheckResult, DriftStatus, FeatureDriftResult } from './result-types';
import { finiteMean, LogOddsWeights, scoreShift, sketchMean } from './score-shift';
import { ColumnSketch, DataSketch } from './sketch';
import { adjustFamily, decideColumn } from './verdict';

const PREDICTION_WEIGHT = 2;

type CurrentColumns = Readonly<Record<string, Float64Array | undefined>>;

function finiteValues(values: Float64Array): Float64Array {
  const out = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] - values[i] === 0) out[n++] = values[i];
  return out.subarray(0, n);
}

/**
 * One current column as the verdict logic sees it, whether raw values (batch checks) or a merged
 * sketch (window checks): its size, its non-finite count, and how to compare it with the baseline.
 */
interface CurrentColumn {
  length: number;
  nonFinite(): number;
  compare(profile: ColumnProfile): ColumnComparison;
  /** Histogram for a column that was not evaluated. */
  histogram(profile: ColumnProfile): BinnedComparison;
}

function rawColumn(values: Float64Array): CurrentColumn {
  return {
    length: values.length,
    nonFinite: () => countNonFinite(values),
    compare: (profile) =>
      profile.kind === 'discrete' ? compareDiscrete(profile, values) : compareNumeric(profile, sortFloat64InPlace(values.slice())),
    histogram: (profile) => rawHistogram(profile, finiteValues(values)),
  };
}

function sketchColumn(sketch: ColumnSketch): CurrentColumn {
  return {
    length: sketch.count + sketch.nonFinite,
    nonFinite: () => sketch.nonFinite,
    compare: (profile) => {
      if (profile.kind === 'discrete' && sketch.kind === 'discrete') return compareDiscreteBinned(profile, sketch);
      if (profile.kind === 'numeric' && sketch.kind === 'numeric') return compareNumericBinned(profile, sketch);
      throw new RangeError(`column is ${profile.kind} in the baseline but ${sketch.kind} in the sketch`);
    },
    histogram: (profile) => {
      if (profile.kind === 'numeric' && sketch.kind === 'numeric') return compareNumericBinned(profile, sketch).histogram;
      if (profile.kind === 'discrete' && sketch.kind === 'discrete') return compareDiscreteBinned(profile, sketch).histogram;
      return rawHistogram(profile, new Float64Array(0));
    },
  };
}

/** Histogram for a column that was not evaluated: reference always, current when there is data. */
function rawHistogram(profile: ColumnProfile, finite: Float64Array): BinnedComparison {
  if (profile.kind === 'numeric') {
    return {
      edges: profile.histogram.edges,
      reference: toProportions(profile.histogram.counts),
      current: toProportions(countIntoHistogram(finite, profile.histogram.edges)),
    };
  }
  const counted = countCategories(finite);
  const map = new Map(counted.categories.map((c, i) => [c, counted.counts[i]]));
  return {
    edges: profile.categories,
    reference: toProportions(profile.counts),
    current: toProportions(profile.categories.map((c) => map.get(c) ?? 0)),
  };
}

function notEvaluatedResult(
  name: string,
  profile: ColumnProfile,
  column: CurrentColumn | undefined,
  skip: ColumnSkip,
  config: DriftConfig,
  comparison?: ColumnComparison,
): FeatureDriftResult {
  const settings = columnSettings(config, name);
  return {
    feature: name,
    kind: profile.kind,
    method: profile.kind === 'numeric' ? 'ks' : 'chi_square',
    statistic: null,
    pValue: null,
    adjustedPValue: null,
    threshold: settings.alpha,
    psi: comparison?.psi ?? null,
    psiExcess: comparison?.psiExcess ?? null,
    ks: null,
    chiSquare: null,
    wasserstein: comparison?.wasserstein ?? null,
    wassersteinNormalized: comparison?.wassersteinNormalized ?? null,
    jensenShannon: comparison?.jensenShannon ?? null,
    effectSize: comparison?.effectSize ?? null,
    effectThreshold: profile.kind === 'numeric' ? settings.wassersteinThreshold : settings.jensenShannonThreshold,
    sampleSize: comparison?.sampleSize ?? (column ? column.length : 0),
    drifted: false,
    evaluated: false,
    reason: skip.reason,
    histogram: comparison?.histogram ?? (column ? column.histogram(profile) : rawHistogram(profile, new Float64Array(0))),
    ecdf: comparison?.ecdf,
    ...(comparison?.binning ? { binning: comparison.binning } : {}),
    status: skip.status,
  };
}

/** Why a column is not judged, and which of the two "no verdict" outcomes that is. */
interface ColumnSkip {
  status: Extract<ColumnDriftStatus, 'INSUFFICIENT_DATA' | 'NOT_EVALUATED'>;
  reason: string;
}

/**
 * Why a column cannot be evaluated, or null if it can: NOT_EVALUATED when it is left out
 * (configuration, missing, non-finite values), INSUFFICIENT_DATA when there are too few rows.
 */
function skipReason(name: string, column: CurrentColumn | undefined, config: DriftConfig, rowCount: number): ColumnSkip | null {
  const notEvaluated = (reason: string): ColumnSkip => ({ status: 'NOT_EVALUATED', reason });
  const insufficient = (reason: string): ColumnSkip => ({ status: 'INSUFFICIENT_DATA', reason });
  if (name === PREDICTION_COLUMN && !config.predictionDrift) return notEvaluated('prediction drift is disabled by configuration');
  if (!columnSettings(config, name).enabled) return notEvaluated('disabled by configuration');
  if (!column) return notEvaluated('column missing from the batch');
  if (rowCount < config.minSampleSize) {
    return insufficient(`insufficient data: batch has ${rowCount} rows, at least ${config.minSampleSize} are needed`);
  }
  if (column.length < config.minSampleSize) {
    return insufficient(`insufficient data: column has ${column.length} rows, at least ${config.minSampleSize} are needed`);
  }
  if (name === MULTIVARIATE_COLUMN && column.length < MULTIVARIATE_MIN_ROWS) {
    return insufficient(
      `insufficient data: the joint-distribution test needs at least ${MULTIVARIATE_MIN_ROWS} rows, the batch has ${column.length}`,
    );
  }
  const nonFinite = column.nonFinite();
  if (nonFinite > 0) {
    return notEvaluated(
      `${nonFinite} of ${column.length} values are NaN or infinite; drift not evaluated (a data-quality problem, not evidence of stability)`,
    );
  }
  return null;
}

/**
 * Standard columns in their canonical order (features, then prediction), then any others: a
 * profile that went through PostgreSQL's jsonb comes back with its keys reordered.
 */
function orderedColumnNames(profile: BaselineProfile): string[] {
  const present = Object.keys(profile.columns);
  const standard = DRIFT_COLUMNS.filter((name) => present.includes(name));
  return [...standard, ...present.filter((name) => !standard.includes(name as (typeof DRIFT_COLUMNS)[number])).sort()];
}

/** What a check needs beyond the data and the verdict settings. */
export interface CheckOptions {
  /** The scoring model's log-odds weights: with them the result carries its score-shift decomposition. */
  logOddsWeights?: LogOddsWeights;
}

export function checkDrift(
  profile: BaselineProfile,
  current: CurrentColumns,
  config: Partial<DriftConfig> = {},
  options: CheckOptions = {},
): DriftCheckResult {
  const columns: Record<string, CurrentColumn | undefined> = {};
  const withDerived = withMultivariateColumn(profile, current);
  for (const name of Object.keys(profile.columns)) {
    const values = withDerived[name];
    if (values) columns[name] = rawColumn(values);
  }
  const result = judge(profile, columns, config);
  return withScoreShift(result, profile, options, (name) => (current[name] ? finiteMean(current[name] as Float64Array) : undefined));
}

/** The result with its score-shift decomposition when the scoring model's weights are known. */
function withScoreShift(
  result: DriftCheckResult,
  profile: BaselineProfile,
  options: CheckOptions,
  currentMean: (name: string) => number | undefined,
): DriftCheckResult {
  if (!options.logOddsWeights) return result;
  const baselineMeans: Record<string, number> = {};
  const currentMeans: Record<string, number | undefined> = {};
  for (const name of Object.keys(options.logOddsWeights)) {
    const column = profile.columns[name];
    if (column) baselineMeans[name] = column.mean;
    currentMeans[name] = currentMean(name);
  }
  return { ...result, scoreShift: scoreShift(options.logOddsWeights, baselineMeans, currentMeans) };
}

/**
 * The same check on a merged sketch of the current data (window checks at any volume): identical
 * verdict logic; numeric statistics from binned data carry their error bounds in `binning`.
 */
export function checkDriftBinned(
  profile: BaselineProfile,
  sketch: DataSketch,
  config: Partial<DriftConfig> = {},
  options: CheckOptions = {},
): DriftCheckResult {
  const columns: Record<string, CurrentColumn | undefined> = {};
  for (const name of Object.keys(profile.columns)) {
    const column = sketch.columns[name];
    if (column) columns[name] = sketchColumn(column);
  }
  const result = judge(profile, columns, config);
  return withScoreShift(result, profile, options, (name) => (sketch.columns[name] ? sketchMean(sketch.columns[name]) : undefined));
}

function judge(
  profile: BaselineProfile,
  current: Record<string, CurrentColumn | undefined>,
  config: Partial<DriftConfig>,
): DriftCheckResult {
  const resolved = resolveDriftConfig(config);
  const names = orderedColumnNames(profile);
  let rowCount = 0;
  for (const name of names) rowCount = Math.max(rowCount, current[name]?.length ?? 0);

  const comparisons: Array<ColumnComparison | null> = [];
  const skipped: Array<ColumnSkip | null> = [];
  for (const name of names) {
    const column = current[name];
    const skip = skipReason(name, column, resolved, rowCount);
    skipped.push(skip);
    comparisons.push(skip === null && column ? column.compare(profile.columns[name]) : null);
  }
  const adjusted = adjustFamily(comparisons);

  const features: FeatureDriftResult[] = names.map((name, i) => {
    const columnProfile = profile.columns[name];
    const comparison = comparisons[i];
    const column = current[name];
    if (!comparison) return notEvaluatedResult(name, columnProfile, column, skipped[i] as ColumnSkip, resolved);
    const adjustedPValue = adjusted[i];
    if (!comparison.evaluated || adjustedPValue === null) {
      // The column was there but no valid test exists for these rows: not an all-clear.
      const skip: ColumnSkip = { status: 'INSUFFICIENT_DATA', reason: comparison.reason ?? 'not evaluated' };
      return notEvaluatedResult(name, columnProfile, column, skip, resolved, comparison);
    }
    const kind: ColumnKind = columnProfile.kind;
    const verdict = decideColumn(comparison, adjustedPValue, columnSettings(resolved, name), kind);
    return {
      feature: name,
      kind,
      method: verdict.method,
      statistic: verdict.statistic,
      pValue: comparison.pValue,
      adjustedPValue,
      threshold: verdict.threshold,
      psi: comparison.psi,
      psiExcess: comparison.psiExcess,
      ks: comparison.ks,
      chiSquare: comparison.chiSquare,
      wasserstein: comparison.wasserstein,
      wassersteinNormalized: comparison.wassersteinNormalized,
      jensenShannon: comparison.jensenShannon,
      effectSize: comparison.effectSize,
      effectThreshold: verdict.effectThreshold,
      sampleSize: comparison.sampleSize,
      drifted: verdict.drifted,
      evaluated: true,
      reason: verdict.reason,
      histogram: comparison.histogram,
      ecdf: comparison.ecdf,
      ...(comparison.binning ? { binning: comparison.binning } : {}),
      status: verdict.drifted ? 'DRIFT' : 'STABLE',
    };
  });

  const evaluated = features.filter((f) => f.evaluated);
  const drifted = evaluated.filter((f) => f.drifted);
  const weight = (f: FeatureDriftResult) => (f.feature === PREDICTION_COLUMN ? PREDICTION_WEIGHT : 1);
  const totalWeight = evaluated.reduce((s, f) => s + weight(f), 0);
  const status: DriftStatus =
    rowCount < resolved.minSampleSize || evaluated.length === 0 ? 'INSUFFICIENT_DATA' : drifted.length > 0 ? 'DRIFT' : 'STABLE';

  return {
    status,
    globalScore: totalWeight > 0 ? drifted.reduce((s, f) => s + weight(f), 0) / totalWeight : 0,
    driftedShare: evaluated.length > 0 ? drifted.length / evaluated.length : 0,
    rowCount,
    notEvaluated: features.filter((f) => !f.evaluated).map((f) => f.feature),
    features,
    warnings: baselineSizeWarnings(profile.rowCount, rowCount),
  };
}
