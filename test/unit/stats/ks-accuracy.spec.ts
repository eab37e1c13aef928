import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  KS_DEFAULT_MAX_EXACT_CELLS,
  ksAccuratePValue,
  ksCorrectedAsymptoticPValue,
  ksExactLatticeCells,
  ksExactPValue,
  ksTwoSampleSorted,
} from '../../../src/stats/ks';
import { mulberry32, randomNormal } from '../../../src/stats/random';
import { sortedCopy } from '../../../src/stats/sorting';

/** scripts/reference/ks_accuracy.py: scipy's exact two-sided p-values at lattice statistics h/lcm. */
interface KsAccuracyCase {
  group: 'switch' | 'scope' | 'large' | 'small';
  n1: number;
  n2: number;
  h: number;
  lcm: number;
  target: number;
  p_exact: number;
}
const fixture = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'reference', 'ks-accuracy.json'), 'utf8')) as {
  budget_cells: number;
  cases: KsAccuracyCase[];
};

function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / expected;
}

/** What docs/drift-methodology.md promises for the corrected asymptotic p-value above the switch. */
function asymptoticTolerance(p: number): number {
  return p >= 1e-3 ? 5e-3 : 1e-2;
}

const label = (c: KsAccuracyCase): string => `${c.group} ${c.n1} × ${c.n2}, p ≈ ${c.target}`;
/** The exact recursion is checked wherever it takes well under a second. */
const affordable = fixture.cases.filter((c) => c.h * ((c.n1 * c.n2) / c.lcm) <= 3e7);

describe('KS exact p-values against scipy.stats.ks_2samp(method="exact")', () => {
  it('uses the budget the fixture was built around', () => {
    expect(fixture.budget_cells).toBe(KS_DEFAULT_MAX_EXACT_CELLS);
  });

  it.each(affordable.map((c) => [label(c), c] as const))('%s', (_label, c) => {
    const exact = ksExactPValue(c.n1, c.n2, c.h / c.lcm);
    expect(exact).not.toBeNull();
    expect(exact!.statistic).toBe(c.h / c.lcm);
    expect(relativeError(exact!.pValue, c.p_exact)).toBeLessThan(1e-13);
  });
});

describe('ksAccuratePValue at and around the exact-cost switch', () => {
  it.each(fixture.cases.map((c) => [label(c), c] as const))('%s', (_label, c) => {
    const d = c.h / c.lcm;
    const result = ksAccuratePValue(c.n1, c.n2, d);
    const cells = ksExactLatticeCells(c.n1, c.n2, d);
    if (cells <= KS_DEFAULT_MAX_EXACT_CELLS) {
      expect(result.method).toBe('exact');
      expect(relativeError(result.pValue, c.p_exact)).toBeLessThan(1e-13);
    } else {
      expect(result.method).toBe('asymptotic');
      expect(relativeError(result.pValue, c.p_exact)).toBeLessThan(asymptoticTolerance(c.p_exact));
    }
  });

  it('puts the "switch" sizes on both sides of the budget, for p near 0.05 and near 0.0056', () => {
    for (const target of [0.05, 0.0056]) {
      const methods = fixture.cases
        .filter((c) => c.group === 'switch' && c.target === target)
        .map((c) => ksAccuratePValue(c.n1, c.n2, c.h / c.lcm).method);
      expect(methods).toContain('exact');
      expect(methods).toContain('asymptotic');
    }
  });

  it('is exact at the engine’s largest in-ingestion sizes (20,000 × 50,000) for p ≥ 0.002', () => {
    const scope = fixture.cases.filter((c) => c.group === 'scope' && c.target >= 2e-3);
    expect(scope.length).toBeGreaterThan(0);
    for (const c of scope) expect(ksAccuratePValue(c.n1, c.n2, c.h / c.lcm).method).toBe('exact');
  });

  it('the corrected formula beats the SciPy-style kstwo approximation it replaces above the switch', () => {
    const above = fixture.cases.filter((c) => ksExactLatticeCells(c.n1, c.n2, c.h / c.lcm) > KS_DEFAULT_MAX_EXACT_CELLS);
    expect(above.length).toBeGreaterThan(20);
    for (const c of above) {
      expect(relativeError(ksCorrectedAsymptoticPValue(c.n1, c.n2, c.h / c.lcm), c.p_exact)).toBeLessThan(asymptoticTolerance(c.p_exact));
    }
  });
});

describe('ksExactLatticeCells', () => {
  it('is h·gcd for unequal sizes (about D·n1·n2) and n for equal sizes', () => {
    expect(ksExactLatticeCells(20000, 50000, 1136 / 100000)).toBe(1136 * 10000);
    expect(ksExactLatticeCells(3000, 3000, 0.2)).toBe(3000);
    expect(ksExactLatticeCells(3, 4, 0)).toBe(0);
  });
});

describe('ksTwoSampleSorted with maxExactCells (the drift engine’s policy)', () => {
  const random = mulberry32(5);
  const a = sortedCopy(Array.from({ length: 3000 }, () => randomNormal(random)));
  const b = sortedCopy(Array.from({ length: 11000 }, () => randomNormal(random, 0.03)));

  it('is exact beyond SciPy’s 10,000-row rule when the lattice count fits the budget', () => {
    const result = ksTwoSampleSorted(a, b, { maxExactCells: KS_DEFAULT_MAX_EXACT_CELLS });
    expect(result.method).toBe('exact');
    const reference = ksExactPValue(3000, 11000, result.statistic)!;
    expect(result.pValue).toBe(reference.pValue);
    // SciPy's own rule takes the asymptotic path at this size.
    expect(ksTwoSampleSorted(a, b).method).toBe('asymptotic');
  });

  it('falls back to the corrected asymptotic value when the budget is smaller than the count', () => {
    const result = ksTwoSampleSorted(a, b, { maxExactCells: 1000 });
    expect(result.method).toBe('asymptotic');
    expect(result.pValue).toBe(ksCorrectedAsymptoticPValue(3000, 11000, result.statistic));
  });
});
