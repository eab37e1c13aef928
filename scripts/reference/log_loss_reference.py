"""Reference log losses for test/unit/stats/log-loss.spec.ts.

Writes test/fixtures/reference/log-loss.json: random binary cases (labels 0/1, probabilities of
class 1) with the mean log loss as scikit-learn 1.2's sklearn.metrics.log_loss computes it.

scikit-learn 1.2 (eps="auto") clips the probabilities with eps = np.finfo(float64).eps and then
takes 1 - p for class 0:
    y_pred = np.clip(y_pred, eps, 1 - eps); loss = -mean(y*log(y_pred) + (1-y)*log(1-y_pred))
(it also renormalises the rows [1 - p, p], which changes nothing beyond 1 ulp). Versions >= 1.5
form [1 - p, p] first and clip both columns. The installed version may not be 1.2, so this
script computes the 1.2 formula explicitly (`log_loss_sklearn_1_2`) and records it as the
reference; it also calls the installed sklearn.metrics.log_loss and checks that the two agree to
1e-12 relative, and records the largest difference it saw.

Probabilities include exact 0 and 1, values within 1e-16 of them (where the clip decides the
result), subnormals, and uniform draws.

Run: python3 scripts/reference/log_loss_reference.py   (written with scikit-learn 1.9.1, NumPy 2.x)
"""
import json
import os
import subprocess

import numpy as np
import sklearn
from sklearn.metrics import log_loss

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures', 'reference', 'log-loss.json')
EPS = np.finfo(np.float64).eps
EDGE_PROBABILITIES = [
    0.0, 1.0, 5e-324, 1e-300, 1e-17, 5e-17, 1e-16, 2e-16, EPS, 2.5e-16, 3e-16, 1e-15, 2e-15,
    float(np.nextafter(1.0, 0.0)), 1 - EPS, 1 - 2 * EPS, 1 - 3 * EPS, 1 - 1e-15, 1 - 1e-16, 0.5,
]


def log_loss_sklearn_1_2(y_true, y_pred):
    clipped = np.clip(np.asarray(y_pred, dtype=np.float64), EPS, 1 - EPS)
    y = np.asarray(y_true, dtype=np.float64)
    return float(-np.mean(y * np.log(clipped) + (1 - y) * np.log(1 - clipped)))


def main():
    rng = np.random.default_rng(20240517)
    cases = []
    largest_difference = 0.0
    for index in range(400):
        n = int(rng.integers(1, 25))
        y = rng.integers(0, 2, size=n)
        # Both classes present, so the installed log_loss needs no `labels` argument.
        y[0], y[-1] = 0, 1
        if n == 1:
            y = np.array([0, 1])
            n = 2
        p = rng.random(n)
        edges = rng.random(n) < 0.5
        p[edges] = rng.choice(EDGE_PROBABILITIES, size=int(edges.sum()))
        if index % 4 == 0:
            # Confidently wrong rows: the loss is decided by the clip alone.
            p[y == 1] = 0.0
        expected = log_loss_sklearn_1_2(y, p)
        installed = log_loss(y, p, labels=[0, 1])
        difference = abs(installed - expected) / expected
        assert difference < 1e-12, (index, installed, expected)
        largest_difference = max(largest_difference, difference)
        cases.append({'y_true': [int(v) for v in y], 'y_score': [float(v) for v in p], 'log_loss': expected})
    with open(OUT, 'w') as f:
        json.dump(
            {
                'generator': 'scripts/reference/log_loss_reference.py',
                'formula': 'scikit-learn 1.2 log_loss: np.clip(y_pred, eps, 1 - eps), eps = np.finfo(float64).eps',
                'installed_sklearn': sklearn.__version__,
                'largest_relative_difference_to_installed': largest_difference,
                'eps': float(EPS),
                'cases': cases,
            },
            f,
        )
        f.write('\n')
    # `npm run lint` runs prettier --check over the repository: format the fixture the same way.
    subprocess.run(['npx', 'prettier', '--write', OUT], check=True, cwd=os.path.join(os.path.dirname(__file__), '..', '..'))


if __name__ == '__main__':
    main()
