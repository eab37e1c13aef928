/**
 * Small deterministic pseudo-random generators. Benchmarks, tests and synthetic data must be
 * reproducible from a seed, and Math.random() cannot be seeded.
 */

/** A function returning uniform numbers in [0, 1). */
export type RandomSource = () => number;

function requireFinite(name: string, value: number): void {
  if (!Number.isFinite(value)) throw new RangeError(`${name} must be a finite number, got ${value}`);
}

/**
 * mulberry32: a 32-bit state generator by Tommy Ettinger. Fast, good enough statistical quality
 * for simulation and resampling (not for cryptography), and trivially serialisable as one integer.
 * The seed is taken modulo 2^32; RangeError for a non-finite seed (NaN would silently become 0,
 * making every "seeded" run identical).
 */
export function mulberry32(seed: number): RandomSource {
  requireFinite('seed', seed);
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Derives independent-looking seeds from one seed and a label (e.g. a trial number), so that
 * trial k of a benchmark does not share a stream with trial k+1 (consecutive mulberry32 seeds
 * would start on overlapping sequences). RangeError for a non-finite seed or label.
 */
export function deriveSeed(seed: number, ...labels: number[]): number {
  requireFinite('seed', seed);
  labels.forEach((label, i) => requireFinite(`labels[${i}]`, label));
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const label of labels) {
    h = Math.imul(h ^ (label >>> 0), 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** Uniform integer in [0, n). RangeError for a non-finite n. */
export function randomInt(random: RandomSource, n: number): number {
  requireFinite('n', n);
  return Math.floor(random() * n);
}

/**
 * Standard normal variate by the Box–Muller transform. Uses two uniforms per call and discards
 * the second normal: simpler to reason about (no hidden cached state) at a small speed cost.
 * RangeError for a non-finite mean or sd.
 */
export function randomNormal(random: RandomSource, mean = 0, sd = 1): number {
  requireFinite('mean', mean);
  requireFinite('sd', sd);
  let u = random();
  while (u <= Number.MIN_VALUE) u = random();
  const v = random();
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
