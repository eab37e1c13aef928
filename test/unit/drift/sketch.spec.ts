/**
 * The fine grid window checks bin on (grid.ts) and the mergeable per-batch profiles built on it
 * (sketch.ts): which edges the grid must hold, how much of the baseline one bin may hold, the
 * right-closed bin convention, the storage round trip, and that merging is the same as
 * sketching all rows at once.
 */
import { generateBatch, loadBenchContext } from '../../../bench/drift-support';
import { checkDrift, checkDriftBinned } from '../../../src/drift-engine/check';
import { defaultColumnKinds, PREDICTION_COLUMN } from '../../../src/drift-engine/columns';
import { GRID_QUANTILE_BINS, gridBin, numericGrid } from '../../../src/drift-engine/grid';
import { MULTIVARIATE_COLUMN, multivariateErrors, multivariateSplit, withMultivariateColumn } from '../../../src/drift-engine/multivariate';
import { buildBaselineProfile } from '../../../src/drift-engine/profile';
import { BaselineProfile, NumericColumnProfile } from '../../../src/drift-engine/profile-types';
import {
  BinAggregate,
  ColumnSketch,
  DataSketch,
  decodeSketch,
  emptySketch,
  encodeSketch,
  mergeSketchInto,
  NumericColumnSketch,
  sketchColumns,
  sketchColumnSpecs,
  sketchFromBinAggregates,
} from '../../../src/drift-engine/sketch';
import { mulberry32 } from '../../../src/stats/random';
import { sortedCopy } from '../../../src/stats/sorting';

const context = loadBenchContext();
const THRESHOLD = context.scorer.threshold;
const baseline = generateBatch(context, 5000, 1);
const profile = buildBaselineProfile(baseline, defaultColumnKinds());

/** Current columns plus the multivariate column derived from them (every row's error). */
function withDerived(p: BaselineProfile, columns: Record<string, Float64Array>): Record<string, Float64Array> {
  return withMultivariateColumn(p, columns) as Record<string, Float64Array>;
}

/** Baseline columns plus the values its multivariate column profiles: the held-out rows' errors. */
function baselineValues(p: BaselineProfile, columns: Record<string, Float64Array>): Record<string, Float64Array> {
  if (!p.multivariate) return columns;
  const reference = multivariateSplit(columns.age.length).reference;
  return { ...columns, [MULTIVARIATE_COLUMN]: multivariateErrors(p.multivariate, columns, reference) };
}

function numericColumns(p: BaselineProfile): Array<[string, NumericColumnProfile]> {
  return Object.entries(p.columns).filter((entry): entry is [string, NumericColumnProfile] => entry[1].kind === 'numeric');
}

/** Columns with the shapes that stress a quantile grid: heavy ties inside, at the top, and few values. */
function tiedColumns(n: number, seed: number): Record<string, Float64Array> {
  const random = mulberry32(seed);
  const heavyTie = new Float64Array(n);
  const tiedMax = new Float64Array(n);
  const fewValues = new Float64Array(n);
  const continuous = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = random();
    heavyTie[i] = u < 0.4 ? 0.5 : Math.round(random() * 100) / 100;
    tiedMax[i] = u < 0.3 ? 1 : random();
    fewValues[i] = Math.floor(random() * 4);
    continuous[i] = Math.exp(2 * random()) * 1000;
  }
  return { heavyTie, tiedMax, fewValues, continuous };
}

/** `a` equals `b` to a relative 1e-9 (sums over rows added in a different order). */
function expectClose(a: number, b: number, label: string): void {
  const tolerance = 1e-9 * Math.max(1, Math.abs(b));
  if (!(Math.abs(a - b) <= tolerance)) throw new Error(`${label}: ${a} vs ${b}`);
}

function expectArraysClose(a: Float64Array, b: Float64Array, label: string): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expectClose(a[i], b[i], `${label}[${i}]`);
}

/** Counts and extremes exactly, sums to 1e-9. */
function expectSketchesEquivalent(actual: DataSketch, expected: DataSketch): void {
  expect(actual.baselineId).toBe(expected.baselineId);
  expect(actual.rowCount).toBe(expected.rowCount);
  expect(Object.keys(actual.columns).sort()).toEqual(Object.keys(expected.columns).sort());
  for (const [name, want] of Object.entries(expected.columns)) {
    const got = actual.columns[name] as ColumnSketch;
    expect({ name, kind: got.kind, count: got.count, nonFinite: got.nonFinite, min: got.min, max: got.max }).toEqual({
      name,
      kind: want.kind,
      count: want.count,
      nonFinite: want.nonFinite,
      min: want.min,
      max: want.max,
    });
    expectClose(got.sum, want.sum, `${name}.sum`);
    if (want.kind === 'discrete' && got.kind === 'discrete') {
      expect(new Map([...got.categories].sort((x, y) => x[0] - y[0]))).toEqual(new Map([...want.categories].sort((x, y) => x[0] - y[0])));
      continue;
    }
    const gotNumeric = got as NumericColumnSketch;
    const wantNumeric = want as NumericColumnSketch;
    expect(Array.from(gotNumeric.counts)).toEqual(Array.from(wantNumeric.counts));
    expect(Array.from(gotNumeric.atUpperEdge)).toEqual(Array.from(wantNumeric.atUpperEdge));
    expect(gotNumeric.scores === undefined).toBe(wantNumeric.scores === undefined);
    if (gotNumeric.scores && wantNumeric.scores) {
      expect(gotNumeric.scores.threshold).toBe(wantNumeric.scores.threshold);
      expect(gotNumeric.scores.countAtOrAbove).toBe(wantNumeric.scores.countAtOrAbove);
      expectClose(gotNumeric.scores.sumAtOrAbove, wantNumeric.scores.sumAtOrAbove, `${name}.sumAtOrAbove`);
      expectClose(gotNumeric.scores.entropySum, wantNumeric.scores.entropySum, `${name}.entropySum`);
      expectClose(gotNumeric.scores.sumSquares, wantNumeric.scores.sumSquares, `${name}.sumSquares`);
      expectArraysClose(gotNumeric.scores.binSums, wantNumeric.scores.binSums, `${name}.binSums`);
      expectArraysClose(gotNumeric.scores.binSumSquares, wantNumeric.scores.binSumSquares, `${name}.binSumSquares`);
    }
  }
}

function slice(columns: Record<string, Float64Array>, from: number, to: number): Record<string, Float64Array> {
  return Object.fromEntries(Object.entries(columns).map(([name, values]) => [name, values.slice(from, to)]));
}

describe('numeric grid (grid.ts)', () => {
  const tied = tiedColumns(7000, 5);
  const tiedProfile = buildBaselineProfile(tied, {});
  // Above the 20,000-row sample limit: the grid is still cut on every baseline row.
  const large = generateBatch(context, 30_000, 2);
  const largeProfile = buildBaselineProfile(large, defaultColumnKinds());
  const cases: Array<[string, BaselineProfile, Record<string, Float64Array>]> = [
    // With the multivariate column each profile derives from its rows (it has a grid like any numeric column).
    ['the 5,000-row benchmark baseline', profile, baselineValues(profile, baseline)],
    ['a 30,000-row baseline (quantile-sampled profile)', largeProfile, baselineValues(largeProfile, large)],
    ['heavily tied synthetic columns', tiedProfile, tied],
  ];

  describe.each(cases)('%s', (_label, p, data) => {
    it('every PSI edge and every interior histogram edge is a grid edge; edges strictly ascend', () => {
      for (const [name, column] of numericColumns(p)) {
        const edges = column.grid!.edges;
        const set = new Set(edges);
        for (let i = 1; i < edges.length; i++) expect(edges[i]).toBeGreaterThan(edges[i - 1]);
        for (const edge of column.psiBins.edges) expect({ name, edge, inGrid: set.has(edge) }).toEqual({ name, edge, inGrid: true });
        for (const edge of column.histogram.edges.slice(1, -1))
          expect({ name, edge, inGrid: set.has(edge) }).toEqual({ name, edge, inGrid: true });
        // So each grid bin lies inside one PSI bin, and summing grid counts rebuilds the PSI counts exactly.
        const grid = numericGrid(column);
        const psiCounts = new Array<number>(column.psiBins.counts.length).fill(0);
        grid.referenceCounts.forEach((count, j) => (psiCounts[grid.psiBinOf[j]] += count));
        expect({ name, psiCounts }).toEqual({ name, psiCounts: column.psiBins.counts });
        for (const v of data[name]) {
          if (grid.psiBinOf[gridBin(grid.edges, v)] !== gridBin(column.psiBins.edges, v))
            throw new Error(`${name}: ${v} in the wrong PSI bin`);
        }
      }
    });

    it(`every grid bin holds at most ceil(n/${GRID_QUANTILE_BINS}) baseline rows plus the ties of its largest value`, () => {
      for (const [name, column] of numericColumns(p)) {
        const sorted = sortedCopy(data[name]);
        const n = sorted.length;
        const limit = Math.ceil(n / GRID_QUANTILE_BINS);
        const { edges, counts } = column.grid!;
        expect(counts).toHaveLength(edges.length + 1);
        expect(counts.reduce((s, c) => s + c, 0)).toBe(n);
        let start = 0;
        counts.forEach((count, bin) => {
          if (count === 0) return;
          const end = start + count;
          // Right-closed bins: every row of bin j is in (edges[j−1], edges[j]].
          if (bin > 0) expect(sorted[start]).toBeGreaterThan(edges[bin - 1]);
          if (bin < edges.length) expect(sorted[end - 1]).toBeLessThanOrEqual(edges[bin]);
          const largest = sorted[end - 1];
          let ties = 0;
          for (let k = end - 1; k >= start && sorted[k] === largest; k--) ties++;
          expect({ name, bin, count, overLimit: count - (ties - 1) > limit }).toEqual({ name, bin, count, overLimit: false });
          start = end;
        });
      }
    });
  });

  it('gridBin is right-closed: bin i is (edges[i−1], edges[i]] with open ends', () => {
    const edges = numericGrid(profile.columns.annualIncome as NumericColumnProfile).edges;
    expect(gridBin(edges, edges[0] - 1)).toBe(0);
    expect(gridBin(edges, -Infinity)).toBe(0);
    expect(gridBin(edges, edges[edges.length - 1] + 1)).toBe(edges.length);
    expect(gridBin(edges, Infinity)).toBe(edges.length);
    for (let i = 0; i < edges.length; i++) {
      expect(gridBin(edges, edges[i])).toBe(i);
      const above = i + 1 < edges.length ? (edges[i] + edges[i + 1]) / 2 : edges[i] + 1;
      expect(gridBin(edges, above)).toBe(i + 1);
    }
    expect(gridBin([1, 2, 3], 2)).toBe(1);
    expect(gridBin([1, 2, 3], 2.0000000000000004)).toBe(2);
  });

  it('gridBin on every baseline row reproduces the stored baseline counts', () => {
    for (const [name, column] of numericColumns(profile)) {
      const grid = numericGrid(column);
      const counts = new Array<number>(grid.edges.length + 1).fill(0);
      for (const v of baselineValues(profile, baseline)[name]) counts[gridBin(grid.edges, v)]++;
      expect({ name, counts }).toEqual({ name, counts: column.grid!.counts });
    }
  });

  it('a profile without `grid` (written before grids existed) derives the same grid from its complete sample', () => {
    for (const source of [profile, tiedProfile]) {
      const old = JSON.parse(JSON.stringify(source)) as BaselineProfile;
      for (const [name, column] of numericColumns(old)) {
        expect(column.sampleIsComplete).toBe(true);
        delete column.grid;
        const derived = numericGrid(column);
        const stored = numericGrid(source.columns[name] as NumericColumnProfile);
        expect({ name, edges: Array.from(derived.edges) }).toEqual({ name, edges: Array.from(stored.edges) });
        expect(Array.from(derived.referenceCounts)).toEqual(Array.from(stored.referenceCounts));
        expect(Array.from(derived.psiBinOf)).toEqual(Array.from(stored.psiBinOf));
        expect(Array.from(derived.histogramBinOf)).toEqual(Array.from(stored.histogramBinOf));
      }
    }
  });

  it('a profile that went through JSON (jsonb) gives the same grid', () => {
    const stored = JSON.parse(JSON.stringify(profile)) as BaselineProfile;
    for (const [name, column] of numericColumns(stored)) {
      const original = numericGrid(profile.columns[name] as NumericColumnProfile);
      expect(Array.from(numericGrid(column).edges)).toEqual(Array.from(original.edges));
      expect(Array.from(numericGrid(column).referenceCounts)).toEqual(Array.from(original.referenceCounts));
    }
  });
});

describe('sketches (sketch.ts)', () => {
  const batch = generateBatch(context, 3000, 11, 'income_drop', 0.2);

  it('counts every finite value once, in its grid bin, with the score sums on the prediction column only', () => {
    const sketch = sketchColumns(profile, 'b1', batch, THRESHOLD);
    expect(sketch.rowCount).toBe(3000);
    expect(Object.keys(sketch.columns).sort()).toEqual(Object.keys(profile.columns).sort());
    for (const [name, column] of Object.entries(sketch.columns)) {
      expect(column.count + column.nonFinite).toBe(3000);
      if (column.kind === 'numeric') {
        expect(column.counts.reduce((s, c) => s + c, 0)).toBe(3000);
        expect(column.scores !== undefined).toBe(name === PREDICTION_COLUMN);
      } else {
        expect([...column.categories.values()].reduce((s, c) => s + c, 0)).toBe(3000);
      }
    }
    const p = batch[PREDICTION_COLUMN];
    const scores = (sketch.columns[PREDICTION_COLUMN] as NumericColumnSketch).scores!;
    expect(scores.threshold).toBe(THRESHOLD);
    expect(scores.countAtOrAbove).toBe(p.filter((v) => v >= THRESHOLD).length);
    expectClose(
      scores.sumSquares,
      p.reduce((s, v) => s + v * v, 0),
      'sumSquares',
    );
    // Without a threshold there are no performance sums.
    expect((sketchColumns(profile, 'b1', batch).columns[PREDICTION_COLUMN] as NumericColumnSketch).scores).toBeUndefined();
  });

  it('encode → decode is exact: counts, sums, categories, score sums, and ±Infinity extremes of an empty column', () => {
    const withGaps = { ...batch, annualIncome: new Float64Array([NaN, Infinity, -Infinity]), age: new Float64Array(0) };
    const sketch = sketchColumns(profile, 'baseline-7', withGaps, THRESHOLD);
    const income = sketch.columns.annualIncome;
    expect({ count: income.count, nonFinite: income.nonFinite, min: income.min, max: income.max }).toEqual({
      count: 0,
      nonFinite: 3,
      min: Infinity,
      max: -Infinity,
    });
    expect(sketch.columns.age.min).toBe(Infinity);
    // An empty discrete column too.
    const emptyDiscrete = sketchColumns(profile, 'baseline-7', { delinquencyCount: new Float64Array(0) });
    expect(emptyDiscrete.columns.delinquencyCount.max).toBe(-Infinity);

    for (const original of [sketch, emptyDiscrete, emptySketch('nothing')]) {
      const encoded = encodeSketch(original);
      const decoded = decodeSketch(encoded);
      expect(decoded).toEqual(original);
      // Bit-exact, not merely close: every array element and scalar round-trips as the same double.
      for (const [name, column] of Object.entries(original.columns)) {
        const back = decoded.columns[name];
        expect(Object.is(back.sum, column.sum)).toBe(true);
        expect(Object.is(back.min, column.min) && Object.is(back.max, column.max)).toBe(true);
        if (column.kind === 'numeric' && column.scores) {
          const scores = (back as NumericColumnSketch).scores!;
          expect(scores.entropySum).toBe(column.scores.entropySum);
          expect(Array.from(scores.binSums)).toEqual(Array.from(column.scores.binSums));
          expect(Array.from(scores.binSumSquares)).toEqual(Array.from(column.scores.binSumSquares));
        }
      }
      // A plain Uint8Array at an offset (a bytea read, a worker transfer) decodes the same.
      const padded = new Uint8Array(encoded.length + 3);
      padded.set(encoded, 3);
      expect(decodeSketch(padded.subarray(3))).toEqual(original);
    }
  });

  it('decoding refuses an unknown format version', () => {
    const encoded = encodeSketch(emptySketch('x'));
    const length = encoded.readUInt32LE(0);
    const header = encoded.toString('utf8', 4, 4 + length).replace('"format":1', '"format":9');
    const tampered = Buffer.from(encoded);
    tampered.write(header, 4, 'utf8');
    expect(() => decodeSketch(tampered)).toThrow(/unknown sketch format 9/);
  });

  it('merging the sketches of two halves equals the sketch of the whole (counts exact, sums to 1e-9)', () => {
    const whole = sketchColumns(profile, 'b1', batch, THRESHOLD);
    for (const cut of [1, 1234, 2999]) {
      const first = sketchColumns(profile, 'b1', slice(batch, 0, cut), THRESHOLD);
      const second = sketchColumns(profile, 'b1', slice(batch, cut, 3000), THRESHOLD);
      const firstCopy = decodeSketch(encodeSketch(first));
      const merged = mergeSketchInto(mergeSketchInto(emptySketch('b1'), first), second);
      expectSketchesEquivalent(merged, whole);
      // Merging copied the first sketch rather than aliasing it.
      expect(first).toEqual(firstCopy);
    }
  });

  it('merging is order-independent for counts and keeps extremes', () => {
    const parts = [0, 700, 1500, 3000]
      .slice(1)
      .map((end, i, ends) => sketchColumns(profile, 'b1', slice(batch, i === 0 ? 0 : ends[i - 1], end), THRESHOLD));
    const forward = parts.reduce((into, part) => mergeSketchInto(into, part), emptySketch('b1'));
    const backward = [...parts].reverse().reduce((into, part) => mergeSketchInto(into, part), emptySketch('b1'));
    expectSketchesEquivalent(forward, backward);
  });

  it('sketches of different baselines, thresholds or grids never merge', () => {
    const a = sketchColumns(profile, 'baseline-a', batch, THRESHOLD);
    const b = sketchColumns(profile, 'baseline-b', batch, THRESHOLD);
    expect(() => mergeSketchInto(a, b)).toThrow('cannot merge sketches of baselines baseline-a and baseline-b');
    const otherThreshold = sketchColumns(profile, 'baseline-a', batch, THRESHOLD / 2);
    expect(() => mergeSketchInto(sketchColumns(profile, 'baseline-a', batch, THRESHOLD), otherThreshold)).toThrow(/thresholds/);
    const coarse = buildBaselineProfile(slice(baseline, 0, 500), defaultColumnKinds());
    const otherGrid = sketchColumns(coarse, 'baseline-a', batch, THRESHOLD);
    expect(() => mergeSketchInto(sketchColumns(profile, 'baseline-a', batch, THRESHOLD), otherGrid)).toThrow(/bins/);
  });

  it('a part without score sums drops them from the merge rather than claiming them for every row', () => {
    const merged = mergeSketchInto(
      sketchColumns(profile, 'b1', slice(batch, 0, 10), THRESHOLD),
      sketchColumns(profile, 'b1', slice(batch, 10, 20)),
    );
    expect((merged.columns[PREDICTION_COLUMN] as NumericColumnSketch).scores).toBeUndefined();
    expect(merged.columns[PREDICTION_COLUMN].count).toBe(20);
  });

  it('sketchFromBinAggregates over per-(column, bin) aggregates equals sketchColumns on the same rows', () => {
    const specs = sketchColumnSpecs(profile);
    const aggregates = new Map<string, BinAggregate>();
    const derived = withDerived(profile, batch);
    specs.forEach((spec, column) => {
      const values = derived[spec.name];
      for (const v of values) {
        const bin = spec.kind === 'discrete' ? v : gridBin(spec.edges!, v);
        const key = `${column}:${bin}`;
        const row = aggregates.get(key) ?? {
          column,
          bin,
          count: 0,
          sum: 0,
          sumSquares: 0,
          min: Infinity,
          max: -Infinity,
          countAtOrAbove: 0,
          sumAtOrAbove: 0,
          entropySum: spec.name === PREDICTION_COLUMN ? 0 : null,
          atUpperEdge: 0,
        };
        row.count++;
        if (spec.kind === 'numeric' && bin < spec.edges!.length && v === spec.edges![bin]) row.atUpperEdge++;
        row.sum += v;
        row.sumSquares += v * v;
        row.min = Math.min(row.min, v);
        row.max = Math.max(row.max, v);
        if (v >= THRESHOLD) {
          row.countAtOrAbove++;
          row.sumAtOrAbove += v;
        }
        if (row.entropySum !== null) {
          const c = Math.min(Math.max(v, 1e-15), 1 - 1e-15);
          row.entropySum -= v * Math.log(c) + (1 - v) * Math.log(1 - c);
        }
        aggregates.set(key, row);
      }
    });
    const fromDatabase = sketchFromBinAggregates('b1', specs, [...aggregates.values()], THRESHOLD);
    expectSketchesEquivalent(fromDatabase, sketchColumns(profile, 'b1', batch, THRESHOLD));
  });

  it('a non-finite value is counted in nonFinite and the binned check reports the column not evaluated, as checkDrift does', () => {
    const dirty = { ...batch, annualIncome: batch.annualIncome.slice(), numOpenAccounts: batch.numOpenAccounts.slice() };
    dirty.annualIncome[5] = NaN;
    dirty.annualIncome[6] = Infinity;
    dirty.numOpenAccounts[7] = -Infinity;
    const sketch = sketchColumns(profile, 'b1', dirty, THRESHOLD);
    expect(sketch.columns.annualIncome).toMatchObject({ count: 2998, nonFinite: 2 });
    expect(sketch.columns.numOpenAccounts).toMatchObject({ count: 2999, nonFinite: 1 });
    expect(Number.isFinite(sketch.columns.annualIncome.sum)).toBe(true);

    const exact = checkDrift(profile, dirty);
    const binned = checkDriftBinned(profile, decodeSketch(encodeSketch(sketch)));
    // A row with a non-finite feature has no reconstruction error: the multivariate column is not evaluated either.
    expect(binned.notEvaluated).toEqual(['annualIncome', 'numOpenAccounts', 'multivariate']);
    expect(binned.notEvaluated).toEqual(exact.notEvaluated);
    expect(binned.status).toBe(exact.status);
    for (const name of ['annualIncome', 'numOpenAccounts']) {
      const b = binned.features.find((f) => f.feature === name)!;
      const e = exact.features.find((f) => f.feature === name)!;
      expect(b).toMatchObject({ evaluated: false, drifted: false, pValue: null, statistic: null, sampleSize: 3000 });
      expect(b.reason).toBe(e.reason);
    }
    expect(binned.features.find((f) => f.feature === 'annualIncome')!.reason).toBe(
      '2 of 3000 values are NaN or infinite; drift not evaluated (a data-quality problem, not evidence of stability)',
    );
  });

  it('a column missing from the sketch, or too few rows, gives the same reasons as checkDrift', () => {
    const { age: _age, ...withoutAge } = slice(batch, 0, 20);
    const exact = checkDrift(profile, withoutAge);
    const binned = checkDriftBinned(profile, sketchColumns(profile, 'b1', withoutAge, THRESHOLD));
    expect(binned.status).toBe('INSUFFICIENT_DATA');
    expect(binned.features.map((f) => [f.feature, f.evaluated, f.reason])).toEqual(
      exact.features.map((f) => [f.feature, f.evaluated, f.reason]),
    );
  });
});
