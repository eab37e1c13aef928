import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kolmogorovNCdf, kolmogorovNSurvival, kolmogorovSurvival, smirnovSurvival } from '../../../src/stats/kolmogorov-distribution';

/** scripts/reference/kolmogorov_reference.py (SciPy's smirnov is computed in double-double arithmetic). */
const fixture = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'reference', 'kolmogorov.json'), 'utf8')) as {
  smirnov: Array<{ n: number; d: number; sf: number }>;
  kstwo: Array<{ n: number; x: number; sf: number; cdf: number }>;
  kolmogorov: Array<{ x: number; sf: number }>;
};

function relativeError(actual: number, expected: number): number {
  return expected === 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);
}

describe('smirnovSurvival against scipy.special.smirnov, n up to 1,000,000', () => {
  it.each(fixture.smirnov.map((r) => [r.n, r.d, r] as const))('n = %i, d = %f', (_n, _d, r) => {
    // Each term is exp() of a sum of small pieces, so its error grows with |ln p| (up to ~150 here).
    expect(relativeError(smirnovSurvival(r.n, r.d), r.sf)).toBeLessThan(2e-15 + 4e-16 * Math.abs(Math.log(r.sf)));
  });

  it('keeps ~1e-15 accuracy at n = 1,000,000 for p ≥ 1e-4, where summing the log-binomials lost eight digits', () => {
    const atMillion = fixture.smirnov.filter((r) => r.n === 1_000_000 && r.sf > 1e-4);
    expect(atMillion.length).toBeGreaterThan(4);
    for (const r of atMillion) expect(relativeError(smirnovSurvival(r.n, r.d), r.sf)).toBeLessThan(2e-15);
  });
});

describe('kolmogorovNSurvival / kolmogorovNCdf against scipy.stats.kstwo, n up to 1,000,000', () => {
  it.each(fixture.kstwo.map((r) => [r.n, r.x, r] as const))('n = %i, x = %f', (_n, _x, r) => {
    // The CDF branches (Durbin, Pomeranz, Pelz–Good) give the survival function as 1 − cdf, as
    // SciPy does, so a small survival probability there carries the CDF's absolute error.
    expect(Math.abs(kolmogorovNSurvival(r.n, r.x) - r.sf)).toBeLessThan(2e-15);
    expect(relativeError(kolmogorovNSurvival(r.n, r.x), r.sf)).toBeLessThan(r.sf > 1e-3 ? 1e-13 : 2e-12);
    expect(relativeError(kolmogorovNCdf(r.n, r.x), r.cdf)).toBeLessThan(1e-13);
  });
});

describe('kolmogorovSurvival against scipy.special.kolmogorov', () => {
  it.each(fixture.kolmogorov.map((r) => [r.x, r] as const))('x = %f', (_x, r) => {
    expect(relativeError(kolmogorovSurvival(r.x), r.sf)).toBeLessThan(1e-15);
  });
});
