/**
 * Typed-array views of profile samples, built once per profile object. A profile read from JSONB
 * holds plain number arrays; converting 20,000 values per column on every check is cheap but
 * pointless for the windowed re-check, which runs many checks against one profile.
 */
import { NumericColumnProfile } from './profile-types';

export interface NumericReference {
  sorted: Float64Array;
  /**
   * ∫ sqrt(F(1 − F)) dx over the baseline ECDF. Under "no drift", E[W1] between samples of sizes
   * N and n is ≈ sqrt(2/π)·this·sqrt(1/N + 1/n) (each |F_N(x) − F_n(x)| is ≈ normal with variance
   * F(1 − F)(1/N + 1/n)), which is how the Wasserstein gate discounts sampling noise.
   */
  ecdfSpread: number;
}

const cache = new WeakMap<NumericColumnProfile, NumericReference>();

export function numericReference(profile: NumericColumnProfile): NumericReference {
  const cached = cache.get(profile);
  if (cached) return cached;
  const sorted = Float64Array.from(profile.sample);
  const n = sorted.length;
  let spread = 0;
  for (let i = 0; i < n - 1; i++) {
    const gap = sorted[i + 1] - sorted[i];
    if (gap > 0) {
      const f = (i + 1) / n;
      spread += Math.sqrt(f * (1 - f)) * gap;
    }
  }
  const reference = { sorted, ecdfSpread: spread };
  cache.set(profile, reference);
  return reference;
}
