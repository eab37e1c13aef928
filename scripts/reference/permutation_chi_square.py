"""Reference values for the drift engine's small-count homogeneity test and its Wasserstein model
(test/unit/drift/permutation-chi-square.spec.ts, test/unit/drift/wasserstein-gate.spec.ts).

Writes test/fixtures/reference/permutation-chi-square.json with
- "permutation": 2 x K tables (reference counts, current counts) with the exact permutation
  p-value of Pearson's statistic: under "same distribution", conditional on the category totals
  and the row sizes, the current row is multivariate hypergeometric; the p-value is the total
  probability of every table whose statistic reaches the observed one (relative tolerance 1e-9,
  as in src/drift-engine/permutation-chi-square.ts). Computed by full enumeration of the tables
  with scipy.stats.multivariate_hypergeom / hypergeom probabilities; also the asymptotic
  scipy.stats.chi2_contingency(correction=False) statistic and p-value;
- "foldedNormalMean": E|r + Z| for Z standard normal (scipy.stats.foldnorm(c=r).mean()), the
  expectation the Wasserstein noise model integrates.

Run: python3 scripts/reference/permutation_chi_square.py   (written with SciPy 1.17.1)
"""
import itertools
import json
import math
import os

import numpy as np
import scipy
from scipy.stats import chi2_contingency, foldnorm, hypergeom, multivariate_hypergeom

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures', 'reference', 'permutation-chi-square.json')
TIE_TOLERANCE = 1e-9


def pearson(current, totals, n_current, grand):
    n_reference = grand - n_current
    s = 0.0
    for c, t in zip(current, totals):
        for observed, row in ((c, n_current), (t - c, n_reference)):
            expected = row * t / grand
            s += (observed - expected) ** 2 / expected
    return s


def rows_with_sum(totals, size):
    """Every current row (x_1..x_K) with 0 <= x_k <= t_k and sum = size."""
    if len(totals) == 1:
        if size <= totals[0]:
            yield (size,)
        return
    rest = sum(totals[1:])
    for x in range(max(0, size - rest), min(size, totals[0]) + 1):
        for tail in rows_with_sum(totals[1:], size - x):
            yield (x,) + tail


def exact_p(reference, current):
    totals = [r + c for r, c in zip(reference, current)]
    n_current = sum(current)
    grand = sum(totals)
    observed = pearson(current, totals, n_current, grand)
    threshold = observed * (1 - TIE_TOLERANCE)
    p = 0.0
    if len(totals) == 2:
        dist = hypergeom(grand, totals[0], n_current)
        for x in range(max(0, n_current - totals[1]), min(n_current, totals[0]) + 1):
            if pearson((x, n_current - x), totals, n_current, grand) >= threshold:
                p += dist.pmf(x)
    else:
        dist = multivariate_hypergeom(totals, n_current)
        for row in rows_with_sum(totals, n_current):
            if pearson(row, totals, n_current, grand) >= threshold:
                p += dist.pmf(row)
    return observed, min(1.0, p)


CASES = [
    # name, reference, current
    ('99/1 baseline, 30 rows all in the 1% category', [4950, 50], [0, 30]),
    ('99/1 baseline, 130 rows all in the 1% category', [4950, 50], [0, 130]),
    ('99/1 baseline, 30 rows at the baseline mix', [4950, 50], [30, 0]),
    ('99/1 baseline, 60 rows with 2 in the 1% category', [4950, 50], [58, 2]),
    ('two categories, small reference', [90, 10], [25, 5]),
    ('two categories, moderate shift', [300, 20], [40, 8]),
    ('four categories, sparse tail', [40, 20, 10, 1], [25, 15, 8, 2]),
    ('four categories, no shift', [2000, 1000, 500, 50], [24, 13, 7, 1]),
    ('four categories, mass into the rare one', [2000, 1000, 500, 50], [18, 10, 6, 6]),
    ('three categories, unseen current category', [300, 150, 0], [20, 8, 2]),
    ('five categories, 30 rows', [570, 50, 90, 290, 10], [14, 2, 3, 10, 1]),
]


def main():
    permutation = []
    for name, reference, current in CASES:
        observed, p = exact_p(reference, current)
        nonzero = [k for k in range(len(reference)) if reference[k] + current[k] > 0]
        table = np.array([[reference[k] for k in nonzero], [current[k] for k in nonzero]])
        chi2, p_asymptotic, dof, _ = chi2_contingency(table, correction=False)
        permutation.append({
            'name': name,
            'reference': reference,
            'current': current,
            'statistic': float(chi2),
            'statisticFromCurrentRow': float(observed),
            'dof': int(dof),
            'asymptoticPValue': float(p_asymptotic),
            'exactPermutationPValue': float(p),
        })
    folded = [{'r': r, 'mean': float(foldnorm(c=r).mean()) if r > 0 else math.sqrt(2 / math.pi)}
              for r in (0.0, 0.05, 0.3, 1.0, 2.5, 6.0)]
    with open(OUT, 'w') as f:
        json.dump({'scipy': scipy.__version__, 'permutation': permutation, 'foldedNormalMean': folded}, f, indent=2)
        f.write('\n')


if __name__ == '__main__':
    main()
