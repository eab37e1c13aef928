import { moments, quantileSorted } from '../../../src/stats/descriptive';
import { benjaminiHochbergAdjust, holmAdjust } from '../../../src/stats/multiple-testing';
import { deriveSeed, mulberry32 } from '../../../src/stats/random';
import { lowerBound, sortFloat64InPlace, upperBound } from '../../../src/stats/sorting';

describe('multiple testing', () => {
  it('Holm: step-down, monotone, capped at 1, NaN ignored', () => {
    // sorted p: 0.01 (×3) = 0.03, 0.02 (×2) = 0.04, 0.04 (×1) = 0.04
    expect(holmAdjust([0.04, 0.01, NaN, 0.02])).toEqual([0.04, 0.03, NaN, 0.04]);
    expect(holmAdjust([0.5, 0.6])).toEqual([1, 1]);
  });
  it('Benjamini–Hochberg: step-up q-values', () => {
    const q = benjaminiHochbergAdjust([0.01, 0.04, 0.03]);
    expect(q[0]).toBeCloseTo(0.03, 15);
    expect(q[1]).toBeCloseTo(0.04, 15);
    expect(q[2]).toBeCloseTo(0.04, 15);
  });
});

describe('descriptive statistics', () => {
  it('moments use the n − 1 standard deviation', () => {
    const m = moments([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(m.mean).toBe(5);
    expect(m.sd).toBeCloseTo(Math.sqrt(32 / 7), 14);
    expect([m.min, m.max]).toEqual([2, 9]);
  });
  it('type-7 quantiles interpolate like numpy', () => {
    const sorted = [1, 2, 3, 4];
    expect(quantileSorted(sorted, 0.5)).toBe(2.5);
    expect(quantileSorted(sorted, 0.1)).toBeCloseTo(1.3, 14);
    expect(quantileSorted(sorted, 1)).toBe(4);
  });
});

describe('random and sorting utilities', () => {
  it('mulberry32 is deterministic per seed and uniform-ish', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const values = Array.from({ length: 10000 }, () => a());
    expect(values.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b()));
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.02);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(deriveSeed(1, 2)).not.toBe(deriveSeed(1, 3));
  });
  it('radix sort agrees with the comparison sort, including negatives, zeros and ties', () => {
    const random = mulberry32(5);
    const values = new Float64Array(20000);
    for (let i = 0; i < values.length; i++) values[i] = i % 7 === 0 ? Math.floor(random() * 10) - 5 : (random() - 0.5) * 1e6;
    const expected = values.slice().sort();
    expect(Array.from(sortFloat64InPlace(values))).toEqual(Array.from(expected));
  });
  it('binary searches follow numpy searchsorted sides', () => {
    const sorted = [1, 2, 2, 2, 3];
    expect(lowerBound(sorted, 2)).toBe(1);
    expect(upperBound(sorted, 2)).toBe(4);
  });
});
