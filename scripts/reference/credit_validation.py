"""Reference values for the credit-risk validation report (issue 14):
test/unit/stats/credit-validation-stats.spec.ts and test/unit/model/credit-validation.spec.ts.

Writes test/fixtures/reference/credit-validation.json with
- "beta": Beta(a, b) CDF and survival function (scipy.special.betainc / betaincc, i.e. Boost's
  ibeta) on a grid of a, b from 0.5 to 1e6 + 0.5 with x at the mean and up to 8 standard
  deviations from it, plus the Jeffreys test's own arguments (a = D + 1/2, b = N - D + 1/2 for
  N up to 1e6, including D = 0 and D = N, x = 0 and 1). Each case also carries a 60-digit mpmath
  evaluation ("mpCdf", "mpSf": the Numerical Recipes continued fraction and ln-gamma in mpmath,
  converged to 1e-45), an independent check of rounding in both scipy's and our double-precision
  code; scipy itself is 2.6e-12 relative off it in the far tail of Beta(1e6, 1e5);
- "betaQuantile": scipy.stats.beta.ppf(q, a, b) on the same (a, b) grid and the Jeffreys
  interval's levels;
- "binomial": scipy.stats.binom.sf(k - 1, n, p) = P(X >= k) and binom.cdf(k, n, p) for k from -1
  to n + 1, n from 1 to 1e6, p including 0 and 1;
- "chiSquare": scipy.stats.chi2.sf(x, dof);
- "delong": labelled samples (seeded; some with heavy ties, one all tied, one perfectly separated,
  one with a single defaulter) with the AUC, variance and standard error from a direct O(m*n)
  numpy implementation of DeLong, DeLong & Clarke-Pearson (1988): psi(X_i, Y_j) in {0, 1/2, 1},
  V10 = row means, V01 = column means, Var = var(V10, ddof=1)/m + var(V01, ddof=1)/n; the AUC also
  from sklearn.metrics.roc_auc_score; the ROC vertices from sklearn.metrics.roc_curve(
  drop_intermediate=False), thinned to 200 evenly spaced ones as src/stats/delong.ts does; and
  the KS separation from scipy.stats.ks_2samp(...).statistic;
- "reports": full validation reports on fixed seeded portfolios and fixed master scales,
  computed here from the definitions of issue 14 (see `report` below) with scipy: per grade and
  for the portfolio the Jeffreys p-value beta.cdf(pd, D + 1/2, N - D + 1/2), the binomial p-value
  binom.sf(D - 1, N, pd), the Jeffreys interval, the traffic light; Hosmer-Lemeshow with chi2.sf;
  the ECB-normalised Herfindahl index; grade PSI with the 1e-4 proportion floor of
  src/stats/psi.ts; AUC, DeLong SE, normal CI (norm.ppf), Gini, KS, the AUC-decline test
  (norm.sf) and the thinned ROC curve. The cases hold an empty grade, a single-obligor grade,
  grades with D = 0 and D = N, PDs of exactly 0 and 1 and PDs exactly on grade boundaries.

JSON has no NaN or Infinity: a value that is not computable is written as null.

Run: python3 scripts/reference/credit_validation.py   (written with SciPy 1.17.1, scikit-learn 1.9.1,
NumPy 2.4, mpmath 1.3)
"""
import json
import math
import os
import platform
import subprocess

import mpmath
import numpy as np
import scipy
import sklearn
from scipy import special, stats
from sklearn.metrics import roc_auc_score, roc_curve

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures', 'reference', 'credit-validation.json')
ROOT = os.path.join(os.path.dirname(__file__), '..', '..')

DEFAULT_SETTINGS = {'yellowPValue': 0.05, 'redPValue': 0.01, 'minGradeObligors': 20, 'minClassCount': 5, 'confidence': 0.95}
PSI_EPSILON = 1e-4
ROC_MAX_POINTS = 200


def finite_or_none(value):
    value = float(value)
    return value if math.isfinite(value) else None


# --- (a) distributions -------------------------------------------------------------------------

mpmath.mp.dps = 60


def mp_continued_fraction(a, b, x):
    """Numerical Recipes' betacf in 60-digit arithmetic (converges for every x < 1)."""
    qab, qap, qam = a + b, a + 1, a - 1
    c = mpmath.mpf(1)
    d = 1 / (1 - qab * x / qap)
    h = d
    for m in range(1, 10**7):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1 / (1 + aa * d)
        c = 1 + aa / c
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1 / (1 + aa * d)
        c = 1 + aa / c
        delta = d * c
        h *= delta
        if abs(delta - 1) < mpmath.mpf('1e-45'):
            return h
    raise RuntimeError('continued fraction did not converge')


def mp_beta_tails(a, b, x):
    """[I_x(a, b), 1 - I_x(a, b)] to ~45 digits (each tail from the continued fraction on its side)."""
    a, b, x = mpmath.mpf(a), mpmath.mpf(b), mpmath.mpf(x)
    if x == 0:
        return 0.0, 1.0
    if x == 1:
        return 1.0, 0.0
    y = 1 - x
    log_beta = mpmath.loggamma(a) + mpmath.loggamma(b) - mpmath.loggamma(a + b)
    prefactor = mpmath.exp(a * mpmath.log(x) + b * mpmath.log(y) - log_beta)
    if x < (a + 1) / (a + b + 2):
        lower = prefactor * mp_continued_fraction(a, b, x) / a
        return float(lower), float(1 - lower)
    upper = prefactor * mp_continued_fraction(b, a, y) / b
    return float(1 - upper), float(upper)


BETA_PARAMETERS = [0.5, 1.0, 2.5, 10.5, 100.5, 1000.5, 1e4 + 0.5, 1e5 + 0.5, 1e6 + 0.5]
# (N, D): the Jeffreys test's Beta(D + 1/2, N - D + 1/2) at the sizes a report meets.
JEFFREYS_COUNTS = [(1, 0), (1, 1), (2, 1), (20, 0), (20, 20), (20, 3), (100, 7), (1000, 13), (1000, 999), (100000, 0),
                   (100000, 1234), (100000, 100000), (1000000, 0), (1000000, 12345), (1000000, 999990), (1000000, 1000000)]
QUANTILE_LEVELS = [1e-10, 0.005, 0.025, 0.3, 0.5, 0.975, 0.995]


def beta_cases():
    cases = []
    seen = set()

    def add(x, a, b):
        key = (x, a, b)
        if key in seen:
            return
        seen.add(key)
        mp_cdf, mp_sf = mp_beta_tails(a, b, x)
        cases.append({'x': x, 'a': a, 'b': b, 'cdf': float(special.betainc(a, b, x)),
                      'sf': float(special.betaincc(a, b, x)), 'mpCdf': mp_cdf, 'mpSf': mp_sf})

    for a in BETA_PARAMETERS:
        for b in BETA_PARAMETERS:
            mean = a / (a + b)
            sd = math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
            for k in (-8, -3, -1, 0, 1, 3, 8):
                x = mean + k * sd
                if 0 < x < 1:
                    add(float(x), a, b)
            for x in (1e-3, 0.5):
                add(x, a, b)
    for n, d in JEFFREYS_COUNTS:
        a, b = d + 0.5, n - d + 0.5
        rate = d / n
        for x in sorted({0.0, 1.0, 1e-4, 0.01, 0.2, 0.5, 0.9, rate, rate * 0.95, min(1.0, rate * 1.05),
                         float(stats.beta.ppf(0.01, a, b)), float(stats.beta.ppf(0.99, a, b))}):
            add(float(x), a, b)
    return cases


def beta_quantile_cases():
    cases = []
    parameters = [(a, b) for a in BETA_PARAMETERS for b in BETA_PARAMETERS]
    parameters += [(d + 0.5, n - d + 0.5) for n, d in JEFFREYS_COUNTS]
    for a, b in parameters:
        for q in QUANTILE_LEVELS + [(1 - 0.95) / 2, (1 + 0.95) / 2, (1 - 0.9) / 2, (1 + 0.9) / 2]:
            cases.append({'q': q, 'a': a, 'b': b, 'x': float(stats.beta.ppf(q, a, b))})
    return cases


def binomial_cases():
    cases = []
    for n in (1, 2, 20, 100, 1000, 100000, 1000000):
        for p in (0.0, 1.0, 1e-6, 0.003, 0.05, 0.5, 0.97):
            mean = n * p
            sd = math.sqrt(n * p * (1 - p))
            ks = {-1, 0, 1, n // 2, n - 1, n, n + 1}
            for z in (-3, 0, 1, 3, 6):
                ks.add(int(round(mean + z * sd)))
            for k in sorted(ks):
                if k < -1 or k > n + 1:
                    continue
                cases.append({'k': k, 'n': n, 'p': p, 'survival': float(stats.binom.sf(k - 1, n, p)),
                              'cdf': float(stats.binom.cdf(k, n, p))})
    return cases


def chi_square_cases():
    cases = []
    for dof in (1, 2, 3, 5, 8, 10, 17, 25):
        for x in sorted({0.0, 0.01, 0.5, dof - 1.0, float(dof), dof + 5.0, 3.0 * dof, 50.0, 150.0, 400.0}):
            if x >= 0:
                cases.append({'x': x, 'dof': dof, 'survival': float(stats.chi2.sf(x, dof))})
    return cases


# --- (b, c) DeLong, ROC, KS --------------------------------------------------------------------

def delong_reference(labels, scores):
    """DeLong (1988) structural components by all m*n comparisons."""
    positives = scores[labels == 1]
    negatives = scores[labels != 1]
    m, n = len(positives), len(negatives)
    psi = (positives[:, None] > negatives[None, :]).astype(np.float64) + 0.5 * (positives[:, None] == negatives[None, :])
    v10 = psi.mean(axis=1)
    v01 = psi.mean(axis=0)
    auc = float(v10.mean())
    variance = float(np.var(v10, ddof=1) / m + np.var(v01, ddof=1) / n) if m > 1 and n > 1 else float('nan')
    return auc, variance


def js_round(x):
    """JavaScript's Math.round for x >= 0 (half up; Python's round() is half to even)."""
    return int(math.floor(x + 0.5))


def roc_vertices(labels, scores, max_points=ROC_MAX_POINTS):
    fpr, tpr, _ = roc_curve(labels, scores, drop_intermediate=False)
    points = [[float(f), float(t)] for f, t in zip(fpr, tpr)]
    if len(points) <= max_points:
        return points
    last = len(points) - 1
    return [points[js_round(k * last / (max_points - 1))] for k in range(max_points)]


def ks_separation(labels, scores):
    return float(stats.ks_2samp(scores[labels == 1], scores[labels != 1]).statistic)


def delong_cases():
    rng = np.random.default_rng(20250314)
    cases = []

    def add(name, labels, scores):
        labels = np.asarray(labels, dtype=np.int64)
        scores = np.asarray(scores, dtype=np.float64)
        auc, variance = delong_reference(labels, scores)
        cases.append({
            'name': name,
            'labels': [int(v) for v in labels],
            'scores': [float(v) for v in scores],
            'auc': auc,
            'sklearnAuc': float(roc_auc_score(labels, scores)),
            'variance': finite_or_none(variance),
            'standardError': finite_or_none(math.sqrt(variance)) if math.isfinite(variance) else None,
            'positives': int((labels == 1).sum()),
            'negatives': int((labels != 1).sum()),
            'ksSeparation': ks_separation(labels, scores),
            'rocCurve': roc_vertices(labels, scores),
        })

    for size, rate in ((12, 0.4), (80, 0.2), (400, 0.1), (1500, 0.05)):
        logit = rng.normal(-2.0, 1.0, size)
        pd = np.round(1 / (1 + np.exp(-logit)), 6)
        labels = (rng.random(size) < np.minimum(1, pd * rate / pd.mean())).astype(int)
        labels[0], labels[1] = 1, 0
        add(f'continuous {size}', labels, pd)
    # Heavy ties: PDs on a coarse grid (five and twenty levels), as a rating-based score gives.
    for size, levels in ((300, 5), (2000, 20)):
        level = rng.integers(0, levels, size)
        pd = (level + 1) / (levels + 1) * 0.3
        labels = (rng.random(size) < pd).astype(int)
        labels[0], labels[1] = 1, 0
        add(f'ties {levels} levels x {size}', labels, np.round(pd, 6))
    add('all tied', [1, 0, 0, 1, 0, 0, 0, 1], [0.2] * 8)
    add('perfect separation', [0, 0, 0, 1, 1, 0, 1], [0.01, 0.02, 0.03, 0.5, 0.7, 0.04, 0.9])
    add('single defaulter', [0, 0, 1, 0, 0], [0.1, 0.3, 0.2, 0.05, 0.3])
    add('reversed with ties', [1, 1, 0, 0, 1, 0], [0.1, 0.2, 0.9, 0.8, 0.2, 0.2])
    return cases


# --- (d) full reports --------------------------------------------------------------------------

def traffic_light(p, count, settings):
    if p < settings['redPValue']:
        return 'RED'
    if count < settings['minGradeObligors']:
        return 'INSUFFICIENT_DATA'
    if p < settings['yellowPValue']:
        return 'YELLOW'
    return 'GREEN'


def calibration(count, defaults, pd, settings):
    if count == 0:
        return {'count': 0, 'defaults': 0, 'pd': None, 'observedDefaultRate': None, 'jeffreysPValue': None,
                'binomialPValue': None, 'trafficLight': 'INSUFFICIENT_DATA', 'jeffreysInterval': None}
    a, b = defaults + 0.5, count - defaults + 0.5
    c = settings['confidence']
    jeffreys = float(stats.beta.cdf(pd, a, b))
    return {
        'count': count,
        'defaults': defaults,
        'pd': pd,
        'observedDefaultRate': defaults / count,
        'jeffreysPValue': jeffreys,
        'binomialPValue': float(stats.binom.sf(defaults - 1, count, pd)),
        'trafficLight': traffic_light(jeffreys, count, settings),
        'jeffreysInterval': [float(stats.beta.ppf((1 - c) / 2, a, b)), float(stats.beta.ppf((1 + c) / 2, a, b))],
    }


def psi(reference, current):
    reference = np.asarray(reference, dtype=np.float64)
    current = np.asarray(current, dtype=np.float64)
    r = np.maximum(reference / reference.sum(), PSI_EPSILON)
    c = np.maximum(current / current.sum(), PSI_EPSILON)
    return float(np.sum((c - r) * np.log(c / r)))


def report(probabilities, labels, boundaries, development_counts, initial_auc, settings):
    probabilities = np.asarray(probabilities, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.int64)
    edges = [0.0] + list(boundaries) + [1.0]
    k = len(edges) - 1
    # pdLower <= p < pdUpper, the last grade closed at 1.
    grade_index = np.searchsorted(np.asarray(edges[:-1]), probabilities, side='right') - 1
    rows = len(probabilities)
    development_total = sum(development_counts)
    grades = []
    counts = []
    for g in range(k):
        mask = grade_index == g
        count = int(mask.sum())
        defaults = int(labels[mask].sum())
        pd = math.fsum(probabilities[mask]) / count if count else None
        counts.append(count)
        grades.append({
            'grade': g + 1,
            'pdLower': edges[g],
            'pdUpper': edges[g + 1],
            **calibration(count, defaults, pd, settings),
            'share': count / rows,
            'developmentShare': development_counts[g] / development_total if development_total else None,
        })
    portfolio = calibration(rows, int(labels.sum()), math.fsum(probabilities) / rows, settings)

    statistic, dof, infinite = 0.0, 0, False
    for grade in grades:
        if grade['count'] == 0:
            continue
        dof += 1
        expected = grade['count'] * grade['pd']
        variance = expected * (1 - grade['pd'])
        if variance > 0:
            statistic += (grade['defaults'] - expected) ** 2 / variance
        elif grade['defaults'] != expected:
            infinite = True
    if infinite:
        hosmer_lemeshow = {'statistic': None, 'degreesOfFreedom': dof, 'pValue': 0.0}
    else:
        hosmer_lemeshow = {'statistic': statistic, 'degreesOfFreedom': dof, 'pValue': float(stats.chi2.sf(statistic, dof))}

    shares = np.asarray(counts, dtype=np.float64) / rows
    cv = math.sqrt(k * float(np.sum((shares - 1 / k) ** 2)))
    herfindahl = 1 + math.log((cv * cv + 1) / k) / math.log(k)

    defaults_total = int(labels.sum())
    result = {
        'rows': rows,
        'defaults': defaults_total,
        'hosmerLemeshow': hosmer_lemeshow,
        'herfindahl': herfindahl,
        'grades': grades,
        'portfolio': portfolio,
        'gradePsi': psi(development_counts, counts) if development_total else None,
    }
    if min(defaults_total, rows - defaults_total) >= settings['minClassCount']:
        auc, variance = delong_reference(labels, probabilities)
        assert abs(auc - roc_auc_score(labels, probabilities)) < 1e-15
        se = math.sqrt(variance)
        z = float(stats.norm.ppf((1 + settings['confidence']) / 2))
        low, high = max(0.0, auc - z * se), min(1.0, auc + z * se)
        result.update({
            'rocAuc': auc,
            'rocAucStandardError': se,
            'rocAucCi': [low, high],
            'gini': 2 * auc - 1,
            'giniCi': [2 * low - 1, 2 * high - 1],
            'ksSeparation': ks_separation(labels, probabilities),
            'rocCurve': roc_vertices(labels, probabilities),
        })
        if initial_auc is not None:
            decline = (initial_auc - auc) / se
            p_value = float(stats.norm.sf(decline))
            result['aucDeclineTest'] = {'initialAuc': initial_auc, 'statistic': decline, 'pValue': p_value,
                                        'significant': p_value < settings['redPValue']}
        else:
            result['aucDeclineTest'] = {'initialAuc': None, 'statistic': None, 'pValue': None, 'significant': False}
    else:
        result.update({'rocAuc': None, 'rocAucStandardError': None, 'rocAucCi': None, 'gini': None, 'giniCi': None,
                       'ksSeparation': None, 'rocCurve': []})
        result['aucDeclineTest'] = {'initialAuc': initial_auc, 'statistic': None, 'pValue': None, 'significant': False}
    result['failed'] = portfolio['trafficLight'] == 'RED' or result['aucDeclineTest']['significant']
    return result


def logit_normal(rng, size, mean, sd):
    return 1 / (1 + np.exp(-rng.normal(mean, sd, size)))


def report_cases():
    rng = np.random.default_rng(20250315)
    cases = []

    def add(name, probabilities, labels, boundaries, development_counts, initial_auc, settings_override=None):
        settings = {**DEFAULT_SETTINGS, **(settings_override or {})}
        probabilities = [float(v) for v in probabilities]
        labels = [int(v) for v in labels]
        cases.append({
            'name': name,
            'probabilities': probabilities,
            'labels': labels,
            'boundaries': boundaries,
            'developmentCounts': development_counts,
            'initialAuc': initial_auc,
            'settings': settings_override or {},
            'expected': {**report(probabilities, labels, boundaries, development_counts, initial_auc, settings), 'settings': settings},
        })

    # A calibrated portfolio on an 8-grade scale; PDs rounded to 4 decimals (ties), some exactly on
    # boundaries, at 0 and at 1.
    boundaries = [0.005, 0.01, 0.02, 0.035, 0.06, 0.1, 0.2]
    pd = np.round(logit_normal(rng, 2000, -3.3, 1.1), 4)
    pd[:12] = [0.005, 0.01, 0.02, 0.035, 0.06, 0.1, 0.2, 0.0, 0.0, 1.0, 0.0049999999999999, 0.19999999999999998]
    labels = (rng.random(2000) < pd).astype(int)
    add('calibrated, 8 grades', pd, labels, boundaries, [310, 420, 700, 610, 480, 260, 170, 50], 0.78)

    # Edge grades: D = 0 (grade 1: PDs 0 and 0.0005, no defaults), a single obligor (grade 6), an
    # empty grade (7) and D = N with PD exactly 1 (grade 8, where Hosmer-Lemeshow adds 0).
    boundaries = [0.001, 0.01, 0.05, 0.1, 0.3, 0.6, 0.99]
    low = np.array([0.0] * 50 + [0.0005] * 150)
    middle = np.round(rng.uniform(0.001, 0.3, 1500), 5)
    pd = np.concatenate([low, middle, [0.45], [1.0] * 25])
    labels = np.concatenate([np.zeros(200, dtype=int), (rng.random(len(middle)) < middle).astype(int), [1], [1] * 25])
    add('edge grades: D = 0, single obligor, empty grade, D = N at PD 1', pd, labels, boundaries,
        [120, 300, 500, 250, 180, 40, 0, 10], 0.72)

    # Underestimated risk: outcomes drawn from twice the model's PDs, and a noisier model than at
    # initial validation, so both the portfolio light and the AUC-decline test fail.
    boundaries = [0.01, 0.02, 0.04, 0.08, 0.15]
    true_logit = rng.normal(-3.0, 1.0, 2000)
    true_pd = 1 / (1 + np.exp(-true_logit))
    labels = (rng.random(2000) < true_pd).astype(int)
    model_pd = np.round(0.5 / (1 + np.exp(-(true_logit + rng.normal(0, 1.2, 2000)))), 5)
    add('PDs half the true risk, AUC fallen', model_pd, labels, boundaries, [500, 500, 700, 700, 400, 200], 0.8)

    # Too little data: 3 defaults (< minClassCount: no discrimination statistics), grades below
    # minGradeObligors (grade 4: INSUFFICIENT_DATA); grade 1 holds only PD 0 and one default, so
    # Hosmer-Lemeshow is infinite and its Jeffreys p-value 0 (RED despite the small count); grade 5
    # is empty. No development counts. Other settings.
    boundaries = [0.02, 0.1, 0.3, 0.5]
    pd = np.array([0.0] * 8 + list(np.round(rng.uniform(0.02, 0.1, 30), 4)) + list(np.round(rng.uniform(0.1, 0.3, 14), 4))
                  + list(np.round(rng.uniform(0.3, 0.5, 8), 4)))
    labels = np.zeros(len(pd), dtype=int)
    labels[[3, 20, 45]] = 1
    add('small: few defaults, a PD-0 grade with a default', pd, labels, boundaries, [0, 0, 0, 0, 0], 0.75,
        {'yellowPValue': 0.1, 'redPValue': 0.02, 'minGradeObligors': 10, 'confidence': 0.9})
    return cases


def main():
    fixture = {
        'generator': 'scripts/reference/credit_validation.py',
        'versions': {'python': platform.python_version(), 'numpy': np.__version__, 'scipy': scipy.__version__,
                     'sklearn': sklearn.__version__, 'mpmath': mpmath.__version__},
        'rocMaxPoints': ROC_MAX_POINTS,
        'psiEpsilon': PSI_EPSILON,
        'beta': beta_cases(),
        'betaQuantile': beta_quantile_cases(),
        'binomial': binomial_cases(),
        'chiSquare': chi_square_cases(),
        'delong': delong_cases(),
        'reports': report_cases(),
    }
    with open(OUT, 'w') as f:
        json.dump(fixture, f, allow_nan=False)
        f.write('\n')
    # `npm run lint` runs prettier --check over the repository: format the fixture the same way.
    subprocess.run(['npx', 'prettier', '--write', OUT], check=True, cwd=ROOT)


if __name__ == '__main__':
    main()
