/**
 * Special functions needed for p-values: log-gamma, the regularized incomplete gamma functions and
 * the chi-square survival function. simple-statistics only ships a chi-square lookup table, which
 * cannot give the continuous p-values that multiple-testing correction needs.
 *
 * Algorithms follow Numerical Recipes (3rd ed., §6.1–6.2): a Lanczos approximation for ln Γ, the
 * power series for P(a, x) when x < a + 1 and Lentz's continued fraction for Q(a, x) otherwise.
 * Each branch is used where it converges fast and where the complement does not lose digits to
 * cancellation (a tiny Q is computed directly, never as 1 − P).
 */

/** Lanczos coefficients for g = 7, n = 9 (relative error below 1e-15 for x > 0). */
const LANCZOS_G = 7;
const LANCZOS_COEFFICIENTS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
// eslint-disable-next-line no-loss-of-precision -- ln(2π)/2 to 20 digits; rounds to the nearest double
const HALF_LOG_TWO_PI = 0.91893853320467274178;

/** Relative accuracy targeted by the series and continued fraction. */
const EPSILON = 1e-16;
/** Iteration cap: both expansions converge in O(sqrt(a)) steps; hitting this means bad input. */
const MAX_ITERATIONS = 100000;
/** Smallest representable magnitude used to keep Lentz's method away from division by zero. */
const TINY = 1e-300;

/** Natural log of |Γ(x)| (reflection formula for x < 0.5); Infinity at the poles, NaN for a non-finite x. */
export function logGamma(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  if (x <= 0 && Number.isInteger(x)) return Infinity;
  if (x < 0.5) {
    // Reflection keeps the Lanczos sum in its accurate range: Γ(x)Γ(1−x) = π / sin(πx).
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  const z = x - 1;
  let sum = LANCZOS_COEFFICIENTS[0];
  for (let i = 1; i < LANCZOS_G + 2; i++) sum += LANCZOS_COEFFICIENTS[i] / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** ln(n!) for integer n ≥ 0 (NaN otherwise, ±Infinity included); exact summation below 32 keeps small factorials free of Lanczos error. */
export function logFactorial(n: number): number {
  if (n < 0 || !Number.isInteger(n)) return NaN;
  if (n < 32) {
    let value = 0;
    for (let i = 2; i <= n; i++) value += Math.log(i);
    return value;
  }
  return logGamma(n + 1);
}

/** ln of x^a e^{−x} / Γ(a), the common prefactor of both incomplete gamma expansions. */
function logGammaPrefactor(a: number, x: number): number {
  return -x + a * Math.log(x) - logGamma(a);
}

/** Series for P(a, x); converges quickly when x < a + 1. */
function gammaSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  let ap = a;
  for (let i = 0; i < MAX_ITERATIONS; i++) {
    ap += 1;
    term *= x / ap;
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPSILON) break;
  }
  return sum * Math.exp(logGammaPrefactor(a, x));
}

/** Continued fraction for Q(a, x) (modified Lentz); converges quickly when x ≥ a + 1. */
function gammaContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return Math.exp(logGammaPrefactor(a, x)) * h;
}

/**
 * Regularized lower incomplete gamma P(a, x) = γ(a, x) / Γ(a), for finite a > 0, x ≥ 0; NaN
 * otherwise (an infinite a would also run the series to its iteration cap).
 */
export function regularizedGammaP(a: number, x: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(x) || a <= 0 || x < 0) return NaN;
  if (x === 0) return 0;
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x);
}

/** Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x), computed without cancellation; NaN as P. */
export function regularizedGammaQ(a: number, x: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(x) || a <= 0 || x < 0) return NaN;
  if (x === 0) return 1;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

/** Chi-square survival function Pr(X ≥ x) for `dof` degrees of freedom: Q(dof/2, x/2). NaN unless x and dof > 0 are finite. */
export function chiSquareSurvival(x: number, dof: number): number {
  if (!Number.isFinite(x) || !(dof > 0 && dof < Infinity)) return NaN;
  if (x <= 0) return 1;
  return regularizedGammaQ(dof / 2, x / 2);
}

/** Chi-square CDF Pr(X ≤ x): P(dof/2, x/2). NaN as the survival function. */
export function chiSquareCdf(x: number, dof: number): number {
  if (!Number.isFinite(x) || !(dof > 0 && dof < Infinity)) return NaN;
  if (x <= 0) return 0;
  return regularizedGammaP(dof / 2, x / 2);
}
