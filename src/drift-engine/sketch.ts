/**
 * Mergeable profiles of current data ("sketches"): what a window check needs from a batch,
 * computed once when the batch is written and merged over every batch of the window, so a window
 * check costs the same for 5,000 rows or 5,000,000 (docs/drift-methodology.md, "Windows at any
 * volume"; whylogs and Evidently's large-data mode work the same way).
 *
 * Per column: finite count, non-finite count, min, max, sum; numeric columns add their count per
 * bin of the baseline's grid (grid.ts), discrete columns their category counts. The prediction
 * column also keeps per-bin sums of p and p² and the sums the label-free performance estimate
 * needs at the model's threshold. Sums of counts are exact (integers below 2^53).
 *
 * A sketch belongs to the grid it was binned on, identified by the baseline id: sketches of
 * different baselines never merge (a window check re-bins such batches in PostgreSQL instead).
 */
import { LOG_LOSS_EPSILON } from '../stats/classification-metrics';
import { PREDICTION_COLUMN } from './columns';
import { gridBin, numericGrid } from './grid';
import { withMultivariateColumn } from './multivariate';
import { BaselineProfile } from './profile-types';

export const SKETCH_FORMAT_VERSION = 1;

interface ColumnSketchBase {
  /** Finite values. */
  count: number;
  nonFinite: number;
  min: number;
  max: number;
  sum: number;
}

/** The label-free performance sums of the prediction column (see performance/cbpe.ts). */
export interface ScoreSums {
  threshold: number;
  /** Rows with p ≥ threshold and the sum of their p. */
  countAtOrAbove: number;
  sumAtOrAbove: number;
  /** Σ −(p ln p + (1 − p) ln(1 − p)), p clipped to [ε, 1 − ε] (LOG_LOSS_EPSILON): the expected log loss. */
  entropySum: number;
  /** Σ p² (for the expected Brier score Σ p(1 − p)). */
  sumSquares: number;
  /** Per grid bin: Σ p and Σ p², for the expected ROC AUC on binned scores. */
  binSums: Float64Array;
  binSumSquares: Float64Array;
}

export interface NumericColumnSketch extends ColumnSketchBase {
  kind: 'numeric';
  /** Count per grid bin (grid.edges.length + 1 bins). */
  counts: Float64Array;
  /**
   * Per bin, the values equal to its upper edge (the last bin has none): tied values sit exactly
   * on the baseline's cut points, and knowing them makes KS and Wasserstein exact for such data.
   */
  atUpperEdge: Float64Array;
  scores?: ScoreSums;
}

export interface DiscreteColumnSketch extends ColumnSketchBase {
  kind: 'discrete';
  categories: Map<number, number>;
}

export type ColumnSketch = NumericColumnSketch | DiscreteColumnSketch;

export interface DataSketch {
  /** The baseline whose grid the numeric columns were binned on. */
  baselineId: string;
  /** Rows covered (the largest column length). */
  rowCount: number;
  columns: Record<string, ColumnSketch>;
}

function emptyBase(): ColumnSketchBase {
  return { count: 0, nonFinite: 0, min: Infinity, max: -Infinity, sum: 0 };
}

/**
 * Sketch of current columns against a baseline profile. `scoreThreshold`: the scoring model's
 * decision threshold, needed for the prediction column's performance sums.
 */
export function sketchColumns(
  profile: BaselineProfile,
  baselineId: string,
  current: Readonly<Record<string, Float64Array | undefined>>,
  scoreThreshold?: number,
): DataSketch {
  const columns: Record<string, ColumnSketch> = {};
  let rowCount = 0;
  const withDerived = withMultivariateColumn(profile, current);
  for (const [name, columnProfile] of Object.entries(profile.columns)) {
    const values = withDerived[name];
    if (!values) continue;
    rowCount = Math.max(rowCount, values.length);
    const base = emptyBase();
    if (columnProfile.kind === 'discrete') {
      const categories = new Map<number, number>();
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (v - v !== 0) {
          base.nonFinite++;
          continue;
        }
        addToBase(base, v);
        categories.set(v, (categories.get(v) ?? 0) + 1);
      }
      columns[name] = { kind: 'discrete', ...base, categories };
      continue;
    }
    const grid = numericGrid(columnProfile);
    const counts = new Float64Array(grid.edges.length + 1);
    const atUpperEdge = new Float64Array(counts.length);
    const edges = grid.edges;
    const withScores = name === PREDICTION_COLUMN && scoreThreshold !== undefined;
    const scores = withScores ? emptyScoreSums(scoreThreshold, counts.length) : undefined;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v - v !== 0) {
        base.nonFinite++;
        continue;
      }
      addToBase(base, v);
      const bin = gridBin(edges, v);
      counts[bin]++;
      if (bin < edges.length && v === edges[bin]) atUpperEdge[bin]++;
      if (scores) {
        scores.binSums[bin] += v;
        scores.binSumSquares[bin] += v * v;
        scores.sumSquares += v * v;
        if (v >= scores.threshold) {
          scores.countAtOrAbove++;
          scores.sumAtOrAbove += v;
        }
        const p = Math.min(Math.max(v, LOG_LOSS_EPSILON), 1 - LOG_LOSS_EPSILON);
        scores.entropySum -= v * Math.log(p) + (1 - v) * Math.log(1 - p);
      }
    }
    columns[name] = { kind: 'numeric', ...base, counts, atUpperEdge, ...(scores ? { scores } : {}) };
  }
  return { baselineId, rowCount, columns };
}

function emptyScoreSums(threshold: number, bins: number): ScoreSums {
  return {
    threshold,
    countAtOrAbove: 0,
    sumAtOrAbove: 0,
    entropySum: 0,
    sumSquares: 0,
    binSums: new Float64Array(bins),
    binSumSquares: new Float64Array(bins),
  };
}

function addToBase(base: ColumnSketchBase, v: number): void {
  base.count++;
  base.sum += v;
  if (v < base.min) base.min = v;
  if (v > base.max) base.max = v;
}

/** An empty sketch to merge into. */
export function emptySketch(baselineId: string): DataSketch {
  return { baselineId, rowCount: 0, columns: {} };
}

/** Adds `other` into `into` (same baseline grid required). Returns `into`. */
export function mergeSketchInto(into: DataSketch, other: DataSketch): DataSketch {
  if (into.baselineId !== other.baselineId) {
    throw new RangeError(`cannot merge sketches of baselines ${into.baselineId} and ${other.baselineId}`);
  }
  into.rowCount += other.rowCount;
  for (const [name, column] of Object.entries(other.columns)) {
    const target = into.columns[name];
    if (!target) {
      into.columns[name] = cloneColumn(column);
      continue;
    }
    if (target.kind !== column.kind) throw new RangeError(`column ${name} is ${target.kind} in one sketch and ${column.kind} in another`);
    target.count += column.count;
    target.nonFinite += column.nonFinite;
    target.sum += column.sum;
    target.min = Math.min(target.min, column.min);
    target.max = Math.max(target.max, column.max);
    if (target.kind === 'discrete' && column.kind === 'discrete') {
      for (const [value, count] of column.categories) target.categories.set(value, (target.categories.get(value) ?? 0) + count);
    } else if (target.kind === 'numeric' && column.kind === 'numeric') {
      addArrays(target.counts, column.counts, name);
      addArrays(target.atUpperEdge, column.atUpperEdge, name);
      if (target.scores && column.scores) {
        if (target.scores.threshold !== column.scores.threshold) {
          throw new RangeError(`prediction sketches at thresholds ${target.scores.threshold} and ${column.scores.threshold}`);
        }
        target.scores.countAtOrAbove += column.scores.countAtOrAbove;
        target.scores.sumAtOrAbove += column.scores.sumAtOrAbove;
        target.scores.entropySum += column.scores.entropySum;
        target.scores.sumSquares += column.scores.sumSquares;
        addArrays(target.scores.binSums, column.scores.binSums, name);
        addArrays(target.scores.binSumSquares, column.scores.binSumSquares, name);
      } else if (target.scores || column.scores) {
        // One side lacks the performance sums: the merged sketch cannot claim them for every row.
        delete target.scores;
      }
    }
  }
  return into;
}

function addArrays(into: Float64Array, other: Float64Array, name: string): void {
  if (into.length !== other.length) throw new RangeError(`column ${name}: ${into.length} and ${other.length} bins`);
  for (let i = 0; i < into.length; i++) into[i] += other[i];
}

function cloneColumn(column: ColumnSketch): ColumnSketch {
  if (column.kind === 'discrete') return { ...column, categories: new Map(column.categories) };
  const copy: NumericColumnSketch = { ...column, counts: column.counts.slice(), atUpperEdge: column.atUpperEdge.slice() };
  if (column.scores) {
    copy.scores = { ...column.scores, binSums: column.scores.binSums.slice(), binSumSquares: column.scores.binSumSquares.slice() };
  }
  return copy;
}

/**
 * Binary form for storage: a JSON header (scalars, categories, bin counts), then per numeric
 * column its bins, sparse (indices of the non-empty bins and their values) when fewer than half
 * are non-empty, dense otherwise: counts and edge counts as little-endian uint32, score sums as
 * float64. A 1-row batch's profile is then about 1.4 KB and a 50,000-row one about 55 KB.
 * Counts above 2³² − 1 are refused rather than wrapped.
 */
export function encodeSketch(sketch: DataSketch): Buffer {
  const parts: Buffer[] = [];
  const u32 = (values: ArrayLike<number>, at: ArrayLike<number> | null): void => {
    const n = at ? at.length : values.length;
    const out = Buffer.alloc(n * 4);
    for (let i = 0; i < n; i++) {
      const value = values[at ? at[i] : i];
      if (!(Number.isInteger(value) && value >= 0 && value <= 0xffffffff))
        throw new RangeError(`count ${value} cannot be stored in a sketch`);
      out.writeUInt32LE(value, i * 4);
    }
    parts.push(out);
  };
  const f64 = (values: ArrayLike<number>, at: ArrayLike<number> | null): void => {
    const n = at ? at.length : values.length;
    const out = Buffer.alloc(n * 8);
    for (let i = 0; i < n; i++) out.writeDoubleLE(values[at ? at[i] : i], i * 8);
    parts.push(out);
  };
  const header = {
    format: SKETCH_FORMAT_VERSION,
    baselineId: sketch.baselineId,
    rowCount: sketch.rowCount,
    columns: Object.entries(sketch.columns).map(([name, c]) => {
      const base = { name, kind: c.kind, count: c.count, nonFinite: c.nonFinite, min: c.min, max: c.max, sum: c.sum };
      if (c.kind === 'discrete') return { ...base, categories: Array.from(c.categories) };
      const nonEmpty: number[] = [];
      for (let j = 0; j < c.counts.length; j++) if (c.counts[j] !== 0) nonEmpty.push(j);
      const sparse = nonEmpty.length * 2 < c.counts.length;
      const at = sparse ? nonEmpty : null;
      if (sparse) u32(nonEmpty, null);
      u32(c.counts, at);
      u32(c.atUpperEdge, at);
      if (c.scores) {
        f64(c.scores.binSums, at);
        f64(c.scores.binSumSquares, at);
      }
      const scores = c.scores ? (({ binSums: _sums, binSumSquares: _squares, ...scalars }) => scalars)(c.scores) : undefined;
      return { ...base, bins: c.counts.length, nonEmpty: sparse ? nonEmpty.length : null, ...(scores ? { scores } : {}) };
    }),
  };
  const json = Buffer.from(
    JSON.stringify(header, (_key, value) => (value === Infinity ? 'Infinity' : value === -Infinity ? '-Infinity' : value)),
  );
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length, 0);
  return Buffer.concat([length, json, ...parts]);
}

interface EncodedColumn {
  name: string;
  kind: 'numeric' | 'discrete';
  count: number;
  nonFinite: number;
  min: number | string;
  max: number | string;
  sum: number;
  bins?: number;
  /** Sparse layout: how many non-empty bins follow as (index, value) columns; null: dense. */
  nonEmpty?: number | null;
  categories?: Array<[number, number]>;
  scores?: Omit<ScoreSums, 'binSums' | 'binSumSquares'>;
}

function finiteOrInfinity(value: number | string): number {
  return value === 'Infinity' ? Infinity : value === '-Infinity' ? -Infinity : Number(value);
}

export function decodeSketch(buffer: Uint8Array): DataSketch {
  const bytes = Buffer.isBuffer(buffer) ? buffer : Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const length = bytes.readUInt32LE(0);
  const header = JSON.parse(bytes.toString('utf8', 4, 4 + length)) as {
    format: number;
    baselineId: string;
    rowCount: number;
    columns: EncodedColumn[];
  };
  if (header.format !== SKETCH_FORMAT_VERSION) throw new RangeError(`unknown sketch format ${header.format}`);
  let offset = 4 + length;
  const readU32 = (n: number): number[] => {
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++, offset += 4) out[i] = bytes.readUInt32LE(offset);
    return out;
  };
  const readF64 = (n: number): number[] => {
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++, offset += 8) out[i] = bytes.readDoubleLE(offset);
    return out;
  };
  /** A column's bins, dense, from `values` at `at` (sparse) or in order (dense). */
  const place = (bins: number, values: number[], at: number[] | null): Float64Array => {
    const out = new Float64Array(bins);
    if (at) at.forEach((j, i) => (out[j] = values[i]));
    else out.set(values);
    return out;
  };
  const columns: Record<string, ColumnSketch> = {};
  for (const c of header.columns) {
    const base = { count: c.count, nonFinite: c.nonFinite, min: finiteOrInfinity(c.min), max: finiteOrInfinity(c.max), sum: c.sum };
    if (c.kind === 'discrete') {
      columns[c.name] = { kind: 'discrete', ...base, categories: new Map(c.categories ?? []) };
      continue;
    }
    const bins = c.bins ?? 0;
    const at = c.nonEmpty === null || c.nonEmpty === undefined ? null : readU32(c.nonEmpty);
    const n = at ? at.length : bins;
    const column: NumericColumnSketch = {
      kind: 'numeric',
      ...base,
      counts: place(bins, readU32(n), at),
      atUpperEdge: place(bins, readU32(n), at),
    };
    if (c.scores) column.scores = { ...c.scores, binSums: place(bins, readF64(n), at), binSumSquares: place(bins, readF64(n), at) };
    columns[c.name] = column;
  }
  return { baselineId: header.baselineId, rowCount: header.rowCount, columns };
}

/** One (column, bin) aggregate computed by the database (PredictionLogsRepository.pushDownBins). */
export interface BinAggregate {
  /** Index into the column list the aggregation was asked for. */
  column: number;
  /** Numeric: grid bin index; discrete: the value. */
  bin: number;
  count: number;
  sum: number;
  sumSquares: number;
  min: number;
  max: number;
  countAtOrAbove: number;
  sumAtOrAbove: number;
  entropySum: number | null;
  /** Numeric: rows equal to the bin's upper edge. */
  atUpperEdge: number;
}

/** A column as binned for a sketch: its name, kind and (numeric) interior grid edges. */
export interface SketchColumnSpec {
  name: string;
  kind: 'numeric' | 'discrete';
  edges?: number[];
}

/** The columns of a profile with the grid each numeric column is binned on. */
export function sketchColumnSpecs(profile: BaselineProfile): SketchColumnSpec[] {
  return Object.entries(profile.columns).map(([name, column]) =>
    column.kind === 'discrete' ? { name, kind: 'discrete' } : { name, kind: 'numeric', edges: Array.from(numericGrid(column).edges) },
  );
}

/**
 * A sketch from database aggregates of the same columns: identical to sketchColumns on the same
 * rows up to the order of floating-point sums (counts are exact).
 */
export function sketchFromBinAggregates(
  baselineId: string,
  specs: ReadonlyArray<SketchColumnSpec>,
  rows: ReadonlyArray<BinAggregate>,
  scoreThreshold?: number,
): DataSketch {
  const columns: Record<string, ColumnSketch> = {};
  specs.forEach((spec) => {
    const base = emptyBase();
    if (spec.kind === 'discrete') columns[spec.name] = { kind: 'discrete', ...base, categories: new Map() };
    else {
      const bins = (spec.edges?.length ?? 0) + 1;
      const column: NumericColumnSketch = { kind: 'numeric', ...base, counts: new Float64Array(bins), atUpperEdge: new Float64Array(bins) };
      if (spec.name === PREDICTION_COLUMN && scoreThreshold !== undefined) column.scores = emptyScoreSums(scoreThreshold, bins);
      columns[spec.name] = column;
    }
  });
  let rowCount = 0;
  const perColumn = new Array<number>(specs.length).fill(0);
  for (const row of rows) {
    const spec = specs[row.column];
    const column = columns[spec.name];
    column.count += row.count;
    column.sum += row.sum;
    column.min = Math.min(column.min, row.min);
    column.max = Math.max(column.max, row.max);
    perColumn[row.column] += row.count;
    if (column.kind === 'discrete') column.categories.set(row.bin, (column.categories.get(row.bin) ?? 0) + row.count);
    else {
      column.counts[row.bin] += row.count;
      column.atUpperEdge[row.bin] += row.atUpperEdge;
      if (column.scores) {
        column.scores.binSums[row.bin] += row.sum;
        column.scores.binSumSquares[row.bin] += row.sumSquares;
        column.scores.sumSquares += row.sumSquares;
        column.scores.countAtOrAbove += row.countAtOrAbove;
        column.scores.sumAtOrAbove += row.sumAtOrAbove;
        column.scores.entropySum += row.entropySum ?? 0;
      }
    }
  }
  for (const n of perColumn) rowCount = Math.max(rowCount, n);
  return { baselineId, rowCount, columns };
}
