import { fitLogistic } from '../../../src/model/logistic-fit';
import { mulberry32, randomNormal } from '../../../src/stats/random';

/** Newton–Raphson maximum likelihood, an independent reference for the gradient-ascent fit. */
function newtonFit(columns: Float64Array[], labels: Uint8Array): number[] {
  const d = columns.length + 1;
  const n = labels.length;
  const row = (i: number): number[] => [1, ...columns.map((c) => c[i])];
  let w = new Array<number>(d).fill(0);
  for (let iteration = 0; iteration < 50; iteration++) {
    const gradient = new Array<number>(d).fill(0);
    const hessian = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    for (let i = 0; i < n; i++) {
      const x = row(i);
      const p = 1 / (1 + Math.exp(-x.reduce((s, v, j) => s + v * w[j], 0)));
      for (let a = 0; a < d; a++) {
        gradient[a] += (labels[i] - p) * x[a];
        for (let b = 0; b < d; b++) hessian[a][b] += p * (1 - p) * x[a] * x[b];
      }
    }
    // Solve hessian · step = gradient by Gaussian elimination.
    const m = hessian.map((r, a) => [...r, gradient[a]]);
    for (let c = 0; c < d; c++) {
      for (let r = c + 1; r < d; r++) {
        const f = m[r][c] / m[c][c];
        for (let k = c; k <= d; k++) m[r][k] -= f * m[c][k];
      }
    }
    const step = new Array<number>(d).fill(0);
    for (let r = d - 1; r >= 0; r--) {
      let s = m[r][d];
      for (let k = r + 1; k < d; k++) s -= m[r][k] * step[k];
      step[r] = s / m[r][r];
    }
    w = w.map((v, j) => v + step[j]);
  }
  return w;
}

function simulate(n: number, seed: number): { columns: Float64Array[]; labels: Uint8Array; truth: number[] } {
  const random = mulberry32(seed);
  const truth = [-0.8, 1.2, -0.6, 0.3];
  const columns = [0, 1, 2].map(() => new Float64Array(n));
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let eta = truth[0];
    for (let j = 0; j < 3; j++) {
      columns[j][i] = randomNormal(random);
      eta += truth[j + 1] * columns[j][i];
    }
    labels[i] = random() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }
  return { columns, labels, truth };
}

describe('fitLogistic (ml-logistic-regression with intercept and convergence check)', () => {
  const { columns, labels } = simulate(2000, 7);

  it('converges to the maximum-likelihood solution on well-conditioned data', () => {
    const fit = fitLogistic(columns, labels, { tolerance: 1e-12 });
    const reference = newtonFit(columns, labels);
    expect(fit.converged).toBe(true);
    expect(fit.intercept).toBeCloseTo(reference[0], 3);
    fit.coefficients.forEach((c, j) => expect(c).toBeCloseTo(reference[j + 1], 3));
  });

  it('returns P(default): positive coefficients for features that raise the default rate', () => {
    const fit = fitLogistic(columns, labels);
    expect(fit.coefficients[0]).toBeGreaterThan(0.8);
    expect(fit.coefficients[1]).toBeLessThan(-0.3);
    expect(fit.intercept).toBeLessThan(0);
  });

  it('records a decreasing log-loss history and stops at the step cap when told to', () => {
    const fit = fitLogistic(columns, labels, { tolerance: 0, initialSteps: 2, maxSteps: 16 });
    expect(fit.converged).toBe(false);
    expect(fit.steps).toBe(16);
    expect(fit.history.map((h) => h.steps)).toEqual([2, 4, 8, 16]);
    for (let k = 1; k < fit.history.length; k++) expect(fit.history[k].logLoss).toBeLessThanOrEqual(fit.history[k - 1].logLoss);
  });

  it('is deterministic', () => {
    expect(fitLogistic(columns, labels)).toEqual(fitLogistic(columns, labels));
  });

  it('refuses data with a single class', () => {
    expect(() => fitLogistic(columns, new Uint8Array(labels.length))).toThrow(/both defaults and non-defaults/);
  });
});
