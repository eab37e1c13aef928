/**
 * The Wasserstein materiality gate's effect size: the location shift, in baseline standard
 * deviations, that explains the observed W1 once sampling noise is accounted for — calibrated so
 * that a true shift of θ SD meets a gate of θ in half of all batches at every batch size
 * (docs/drift-methodology.md, "Wasserstein noise correction"; verified in
 * test/unit/drift/wasserstein-gate.spec.ts).
 *
 * Why not "W minus its noise": E[W1] under a shift Δ is not Δ + E[W1 | no shift]. Where the shift
 * is small next to the noise, the noise and the shift add roughly in quadrature, so subtracting the
 * whole null mean removes part of the shift too: the 0.1-SD gate used to need a true shift of
 * 0.26 SD at 50 rows and 0.12 SD at 5,000. Subtracting in quadrature still needs 0.13–0.16 SD at
 * 50 rows.
 *
 * The model. Write D(x) = F_N(x) − G_n(x), the gap between the baseline and current ECDFs. Under
 * a location shift Δ, D(x) ≈ a(x) + s(x)·Z with a(x) = F(x) − F(x − Δ), s(x)² = F(1 − F)·σ²,
 * σ² = 1/N + 1/n and Z standard normal, so E|D(x)| = s·h(a/s) with h(r) = r(1 − 2Φ(−r)) + 2φ(r),
 * and E[W1] = ∫ s(x)·h(a(x)/s(x)) dx. a(x) is taken from the baseline itself — its ECDF and the
 * same ECDF moved by an anchor shift of 0.1 SD, a(x) scaled linearly for other shifts — so the
 * model knows the column's shape (skewness, ties): a model that assumes one ratio a/s everywhere
 * is 10–15% off for a skewed column. Because s and a enter only through κ = Δ/(anchor·σ),
 * E[W1]/σ is one function of κ per column, tabulated (lazily) once per profile.
 *
 * The median. W1 is right-skewed when noise dominates (it is an integral of absolute values), so
 * a threshold at its mean is met in fewer than half the batches: at 50 rows the mean-calibrated
 * gate still needs 0.14 SD. The median of W1 at a shift Δ is taken as ρ(λ)·E[W1], λ = Δ/(σ·S) the
 * shift over the noise scale (S = ∫ sqrt(F(1 − F)) dx), with ρ(λ) = 1 − 0.105 / (1 + (λ/0.93)^3.5)
 * fitted to simulated medians (normal, log-normal, exponential and gamma columns, baselines of 500
 * to 20,000 rows, batches of 30 to 5,000; it is 0.895 when noise dominates and tends to 1 as the
 * shift dominates). The effect size is the Δ (in baseline SDs) whose median W1 is the observed W1,
 * 0 when the observed W1 is below the no-shift median. Limits: heavier tails than log-normal σ 0.6
 * at 50 rows, and hard-edged (uniform-like) columns at 50–200 rows, land 10–16% off.
 *
 * Cost: building the model is one pass over the sorted sample (~1 ms at 20,000 values) plus, on
 * first use, up to 40 table points of ~1,000–2,000 pieces each (~1 ms); later checks ~15 µs a
 * column. Models are cached per profile object, like its sorted sample (reference-cache.ts).
 */
import { erfc } from '../stats/normal-distribution';
import { NumericColumnProfile } from './profile-types';
import { numericReference } from './reference-cache';

/** The shift the model's a(x) is computed at: the default gate (config.ts), where it is exact. */
export const WASSERSTEIN_MODEL_ANCHOR_SD = 0.1;

/** Segments of the baseline closer than this in F (and in a) are pooled: ≤ ~2,000 per column. */
const POOLING_RESOLUTION = 1 / 1024;
/**
 * Points of the tabulated E[W1]/σ curve, uniform in t = κ·anchor / (κ·anchor + m0) ∈ [0, 1);
 * linear interpolation between them is within 5e-4 of the integral (relative). Points are
 * computed when first needed (a check touches about a dozen), then kept with the model.
 */
const TABLE_POINTS = 41;

/** ρ(λ) = 1 − RHO_DEPTH / (1 + (λ / RHO_MIDPOINT)^RHO_POWER): median / mean of W1 (see above). */
const RHO_DEPTH = 0.105;
const RHO_MIDPOINT = 0.93;
const RHO_POWER = 3.5;

export interface WassersteinNoiseModel {
  /** The column's scale: baseline sd (1 for a constant baseline, whose W1 then stays raw). */
  scale: number;
  /** Anchor shift in column units (WASSERSTEIN_MODEL_ANCHOR_SD × scale). */
  anchor: number;
  /** ∫ sqrt(F(1 − F)) dx over the baseline ECDF. */
  spread: number;
  /** E[W1]/σ at κ = 0: sqrt(2/π)·spread. */
  m0: number;
  /**
   * E[W1]/σ at t = i / (TABLE_POINTS − 1), i < TABLE_POINTS − 1, as a ratio to m0 / (1 − t);
   * NaN until computed (tablePoint).
   */
  table: Float64Array;
  /** The baseline's pieces the table points are integrated over. */
  pieces: Segments;
}

const INV_SQRT_TWO_PI = 1 / Math.sqrt(2 * Math.PI);

/** E|r + Z| for Z standard normal: r(1 − 2Φ(−r)) + 2φ(r). */
export function expectedAbsoluteShiftedNormal(r: number): number {
  return r * (1 - erfc(r / Math.SQRT2)) + 2 * INV_SQRT_TWO_PI * Math.exp(-0.5 * r * r);
}

export interface Segments {
  width: Float64Array;
  /** sqrt(F(1 − F)) on the segment. */
  q: Float64Array;
  /** a(x) at the anchor shift on the segment. */
  a: Float64Array;
}

/**
 * Splits the line at the baseline values and the same values moved by `anchor`: on each piece
 * F (baseline ECDF) and F(x − anchor) are constant. Pieces closer than POOLING_RESOLUTION in F
 * and in a are pooled (width-weighted means), which keeps a 20,000-value sample to ~2,000 pieces
 * and leaves columns with few distinct values (ties) exact.
 */
function segments(sorted: ArrayLike<number>, anchor: number): Segments {
  const m = sorted.length;
  const width: number[] = [];
  const q: number[] = [];
  const a: number[] = [];
  let i = 0; // baseline values ≤ x
  let j = 0; // shifted values ≤ x
  let x = sorted[0];
  let groupWidth = 0;
  let groupQ = 0;
  let groupA = 0;
  let groupF = -1;
  let groupAStart = 0;
  const close = (): void => {
    if (groupWidth > 0) {
      width.push(groupWidth);
      q.push(groupQ / groupWidth);
      a.push(groupA / groupWidth);
    }
    groupWidth = 0;
    groupQ = 0;
    groupA = 0;
  };
  while (j < m) {
    while (i < m && sorted[i] <= x) i++;
    while (j < m && sorted[j] + anchor <= x) j++;
    if (j >= m) break;
    const next = i < m ? Math.min(sorted[i], sorted[j] + anchor) : sorted[j] + anchor;
    const w = next - x;
    if (w > 0) {
      const f = i / m;
      const shiftedF = j / m;
      const gap = f - shiftedF;
      if (groupF < 0 || f - groupF > POOLING_RESOLUTION || Math.abs(gap - groupAStart) > POOLING_RESOLUTION) {
        close();
        groupF = f;
        groupAStart = gap;
      }
      groupWidth += w;
      groupQ += w * Math.sqrt(f * (1 - f));
      groupA += w * gap;
    }
    x = next;
  }
  close();
  return { width: Float64Array.from(width), q: Float64Array.from(q), a: Float64Array.from(a) };
}

/** E[W1]/σ at κ (shift = κ·anchor·σ). */
function expectedOverSigma(s: Segments, kappa: number): number {
  let total = 0;
  for (let k = 0; k < s.width.length; k++) {
    const q = s.q[k];
    const shift = kappa * s.a[k];
    total += s.width[k] * (q > 0 ? q * expectedAbsoluteShiftedNormal(shift / q) : shift);
  }
  return total;
}

/** Builds the model from an ascending baseline sample and the baseline sd. */
export function buildWassersteinNoiseModel(sorted: ArrayLike<number>, sd: number): WassersteinNoiseModel {
  const scale = sd > 0 ? sd : 1;
  const anchor = WASSERSTEIN_MODEL_ANCHOR_SD * scale;
  const pieces = segments(sorted, anchor);
  let spread = 0;
  for (let k = 0; k < pieces.width.length; k++) spread += pieces.width[k] * pieces.q[k];
  const m0 = Math.sqrt(2 / Math.PI) * spread;
  return { scale, anchor, spread, m0, table: new Float64Array(TABLE_POINTS - 1).fill(NaN), pieces };
}

/** Table point p (computed on first use; 1 at t = 1, where E[W1] → shift). */
function tablePoint(model: WassersteinNoiseModel, p: number): number {
  if (p >= TABLE_POINTS - 1) return 1;
  let value = model.table[p];
  if (Number.isNaN(value)) {
    const t = p / (TABLE_POINTS - 1);
    const kappa = (model.m0 / model.anchor) * (t / (1 - t));
    value = expectedOverSigma(model.pieces, kappa) / (model.m0 / (1 - t));
    model.table[p] = value;
  }
  return value;
}

const cache = new WeakMap<NumericColumnProfile, WassersteinNoiseModel>();

/** The model of a profile's column, built once per profile object (from its sorted sample). */
export function wassersteinNoiseModel(profile: NumericColumnProfile): WassersteinNoiseModel {
  const cached = cache.get(profile);
  if (cached) return cached;
  const model = buildWassersteinNoiseModel(numericReference(profile).sorted, profile.sd);
  cache.set(profile, model);
  return model;
}

/**
 * E[W1]/σ at a shift (column units) — the tabulated curve, linear in t between points; towards
 * t = 1 (a shift far above the noise) the ratio tends to 1, i.e. E[W1] → shift.
 */
function meanOverSigma(model: WassersteinNoiseModel, shift: number, sigma: number): number {
  const x = shift / sigma; // = κ·anchor
  const t = x / (x + model.m0);
  const position = t * (TABLE_POINTS - 1);
  const p = Math.floor(position);
  const below = tablePoint(model, p);
  const above = tablePoint(model, p + 1);
  const ratio = below + (above - below) * (position - p);
  return (ratio * model.m0) / (1 - t);
}

/** ρ(λ): median over mean of W1 at signal-to-noise λ = shift / (σ·spread). */
export function medianToMeanRatio(lambda: number): number {
  return 1 - RHO_DEPTH / (1 + Math.pow(lambda / RHO_MIDPOINT, RHO_POWER));
}

/** The model's median W1 (column units) between N baseline and n current rows under a shift. */
export function medianWasserstein(model: WassersteinNoiseModel, shift: number, nReference: number, n: number): number {
  const sigma = Math.sqrt(1 / nReference + 1 / n);
  if (model.m0 === 0) return shift;
  return medianToMeanRatio(shift / (sigma * model.spread)) * sigma * meanOverSigma(model, shift, sigma);
}

/**
 * The effect size of the gate: the location shift, in units of `model.scale`, whose median W1
 * equals the observed one (0 below the no-shift median). Monotone in W1, so "effect ≥ θ" is
 * "W1 ≥ the median W1 of a θ-SD shift".
 */
export function wassersteinShiftEstimate(model: WassersteinNoiseModel, wasserstein: number, nReference: number, n: number): number {
  if (!(wasserstein > 0)) return 0;
  if (model.m0 === 0) return wasserstein / model.scale;
  if (wasserstein <= medianWasserstein(model, 0, nReference, n)) return 0;
  // Median W1 ≥ ρ(0)·shift, so the root lies below W1 / ρ(0); bisection on a monotone function.
  let lo = 0;
  let hi = wasserstein / (1 - RHO_DEPTH);
  for (let iteration = 0; iteration < 60 && hi - lo > 1e-12 * hi; iteration++) {
    const mid = 0.5 * (lo + hi);
    if (medianWasserstein(model, mid, nReference, n) < wasserstein) lo = mid;
    else hi = mid;
  }
  return (0.5 * (lo + hi)) / model.scale;
}
