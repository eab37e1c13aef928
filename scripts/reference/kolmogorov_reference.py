"""Reference values for the Kolmogorov/Smirnov distributions (test/unit/stats/kolmogorov-accuracy.spec.ts).

Writes test/fixtures/reference/kolmogorov.json with
- scipy.special.smirnov(n, d): the one-sided tail Pr(D_n^+ >= d), n from 141 to 1,000,000;
- scipy.stats.kstwo.sf(x, n) and .cdf(x, n): the exact one-sample two-sided distribution, n from 2
  to 1,000,000, at x = z/sqrt(n) for z across every branch of Simard & L'Ecuyer's algorithm
  selection, plus the closed-form ends (x <= 1/n and x >= 1 - 1/n);
- scipy.special.kolmogorov(x): the limiting distribution.

SciPy computes smirnov in double-double arithmetic, so its values are accurate to ~1e-16 up to
n = 1e6 (above that it switches to an approximation, as src/stats does).

Run: python3 scripts/reference/kolmogorov_reference.py   (written with SciPy 1.17.1)
"""
import json
import math
import os
import subprocess

import numpy as np
import scipy
from scipy.special import kolmogorov, smirnov
from scipy.stats import kstwo

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures', 'reference', 'kolmogorov.json')


def main():
    smirnov_rows = []
    for n in (141, 1000, 10_000, 100_000, 1_000_000):
        for z in (0.05, 0.3, 0.8, 1.2, 1.5, 2.0, 3.0, 5.0, 8.0):
            d = z / math.sqrt(n)
            smirnov_rows.append({'n': n, 'd': d, 'sf': float(smirnov(n, d))})
    kstwo_rows = []
    for n in (2, 10, 100, 140, 141, 1000, 10_000, 100_000, 1_000_000):
        xs = [z / math.sqrt(n) for z in (0.3, 0.6, 0.8, 0.86, 1.0, 1.2, 1.48, 1.6, 2.0, 3.0, 5.0)]
        xs += [0.75 / n, 1 / n, 1 - 0.5 / n, 0.6]
        for x in xs:
            if not 0 < x < 1:
                continue
            kstwo_rows.append({'n': n, 'x': x, 'sf': float(kstwo.sf(x, n)), 'cdf': float(kstwo.cdf(x, n))})
    kolmogorov_rows = [{'x': x, 'sf': float(kolmogorov(x))} for x in (0.05, 0.2, 0.5, 0.82, 0.83, 1.0, 1.36, 2.0, 3.0, 6.0)]
    with open(OUT, 'w') as f:
        json.dump(
            {
                'generator': 'scripts/reference/kolmogorov_reference.py',
                'scipy': scipy.__version__,
                'numpy': np.__version__,
                'smirnov': smirnov_rows,
                'kstwo': kstwo_rows,
                'kolmogorov': kolmogorov_rows,
            },
            f,
            indent=1,
        )
        f.write('\n')
    # `npm run lint` runs prettier --check over the repository: format the fixture the same way.
    subprocess.run(['npx', 'prettier', '--write', OUT], check=True, cwd=os.path.join(os.path.dirname(__file__), '..', '..'))


if __name__ == '__main__':
    main()
