"""Reference p-values for the two-sample KS accuracy tests (test/unit/stats/ks-accuracy.spec.ts).

Writes test/fixtures/reference/ks-accuracy.json: for pairs of sample sizes (n1, n2) and lattice
statistics D = h/lcm(n1, n2) chosen so that the p-value lies near a target (0.05, 0.0056, ...),
SciPy's exact two-sided p-value, i.e. scipy.stats.ks_2samp(method='exact') for samples with that
statistic (the private helper it calls is used directly so that no samples need constructing).

The size pairs cover:
- "switch": sizes just below and just above the exact-cost budget of ksAccuratePValue
  (BUDGET_CELLS, which must equal KS_DEFAULT_MAX_EXACT_CELLS in src/stats/ks.ts) at p near 0.05
  and 0.0056, so the tests see both sides of the switch;
- "scope": the drift engine's largest in-ingestion sizes (baseline 20,000 × batches up to 50,000);
- "large": bigger pairs where only the corrected asymptotic formula is affordable, to measure it;
- "small": small and lopsided sizes down to p ~ 1e-30 and D = 1, for the exact recursion's edges.

Run: python3 scripts/reference/ks_accuracy.py   (SciPy >= 1.10; written with 1.17.1)
"""
import json
import math
import os
import subprocess
import time

import numpy as np
import scipy
from scipy.stats import ks_2samp, kstwobign
from scipy.stats._stats_py import _attempt_exact_2kssamp

BUDGET_CELLS = 16_000_000
OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures', 'reference', 'ks-accuracy.json')


def cells_for(n1, n2, target):
    """Lattice cells (h·gcd ≈ D·n1·n2) the exact count needs at the statistic giving p ≈ target."""
    en = n1 * n2 / (n1 + n2)
    return kstwobign.isf(target) / math.sqrt(en) * n1 * n2


def case(group, n1, n2, target, h=None):
    g = math.gcd(n1, n2)
    lcm = n1 // g * n2
    en = n1 * n2 / (n1 + n2)
    if h is None:
        h = min(lcm, int(round(kstwobign.isf(target) / math.sqrt(en) * lcm)))
    started = time.time()
    ok, d, p = _attempt_exact_2kssamp(n1, n2, g, h / lcm, 'two-sided')
    assert ok and 0 < p <= 1, (n1, n2, h, p)
    print(f'{group:7s} {n1:7d} {n2:7d} target {target:.0e} p {p:.6e} cells {h * g:.3e} ({time.time() - started:.2f} s)', flush=True)
    return {'group': group, 'n1': n1, 'n2': n2, 'h': h, 'lcm': lcm, 'target': target, 'p_exact': float(p)}


def check_helper_is_ks_2samp_exact():
    """The helper used below is what ks_2samp(method='exact') computes: check on real samples."""
    rng = np.random.default_rng(7)
    for n1, n2, shift in ((300, 700, 0.1), (2000, 5001, 0.05), (20000, 500, 0.08)):
        a = rng.normal(size=n1)
        b = rng.normal(shift, size=n2)
        result = ks_2samp(a, b, method='exact')
        g = math.gcd(n1, n2)
        ok, d, p = _attempt_exact_2kssamp(n1, n2, g, float(result.statistic), 'two-sided')
        assert ok and p == result.pvalue, (n1, n2, p, result.pvalue)


def main():
    check_helper_is_ks_2samp_exact()
    cases = []
    # Just below / above the budget: for each target, pairs whose exact cost is ~0.9× and ~1.1× it.
    for target in (0.05, 0.0056):
        for n1 in (5000, 20000):
            for factor in (0.9, 1.1):
                # Solve cells_for(n1, m, target) = factor·budget for m, then take a coprime and a
                # highly composite neighbour (gcd structure changes the lattice).
                lo, hi = n1, 10_000_000
                while hi - lo > 1:
                    mid = (lo + hi) // 2
                    if cells_for(n1, mid, target) < factor * BUDGET_CELLS:
                        lo = mid
                    else:
                        hi = mid
                round_m = int(round(lo, -3))
                for m in (round_m, round_m + 1):
                    cases.append(case('switch', n1, m, target))
        # Nearly equal coprime sizes: the hardest case for any smooth approximation.
        lo, hi = 1000, 1_000_000
        for factor in (0.9, 1.1):
            lo, hi = 1000, 1_000_000
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if cells_for(mid, mid + 1, target) < factor * BUDGET_CELLS:
                    lo = mid
                else:
                    hi = mid
            cases.append(case('switch', lo, lo + 1, target))
    for n2 in (50000, 49999, 45001, 40000, 30001, 20001):
        for target in (0.05, 0.0056, 1e-3, 1e-5, 1e-7):
            cases.append(case('scope', 20000, n2, target))
    for n1, n2 in ((50000, 50001), (40000, 120000), (30000, 90001), (100000, 100003), (10000, 300001)):
        for target in (0.05, 0.0056, 1e-3, 1e-5, 1e-7):
            cases.append(case('large', n1, n2, target))
    for n1, n2 in ((3, 4), (7, 13), (2, 1000), (50, 51), (100, 250), (999, 1000), (1000, 2001), (64, 4096)):
        g = math.gcd(n1, n2)
        lcm = n1 // g * n2
        seen = set()
        for target in (0.5, 0.05, 1e-3, 1e-10, 1e-30):
            c = case('small', n1, n2, target)
            if c['h'] not in seen:
                seen.add(c['h'])
                cases.append(c)
        # D = 1: p = 2/C(n1 + n2, n1), kept where it does not underflow a double.
        if lcm not in seen and math.lgamma(n1 + n2 + 1) - math.lgamma(n1 + 1) - math.lgamma(n2 + 1) < 690:
            cases.append(case('small', n1, n2, 0.0, h=lcm))
    with open(OUT, 'w') as f:
        json.dump(
            {
                'generator': 'scripts/reference/ks_accuracy.py',
                'scipy': scipy.__version__,
                'numpy': np.__version__,
                'budget_cells': BUDGET_CELLS,
                'cases': cases,
            },
            f,
            indent=1,
        )
        f.write('\n')
    # `npm run lint` runs prettier --check over the repository: format the fixture the same way.
    subprocess.run(['npx', 'prettier', '--write', OUT], check=True, cwd=os.path.join(os.path.dirname(__file__), '..', '..'))


if __name__ == '__main__':
    main()
