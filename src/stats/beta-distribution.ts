/**
 * The beta distribution: the regularized incomplete beta function I_x(a, b), its complement, and
 * the quantile. The credit-validation report needs them for the Jeffreys test (the Beta(D + ½,
 * N − D + ½) CDF at a grade's PD), the Jeffreys interval (its quantiles) and the exact binomial
 * tail (binomial.ts), with N up to ~1e6 obligors, and every figure must match scipy to 1e-9.
 *
 * I_x(a, b) is evaluated by a continued fraction (Didonato & Morris's BFRAC, see
 * `betaContinuedFraction`) with the modified Lentz method, on the side of the mean where it
 * converges fast: I_x(a, b) directly for x ≤ a/(a + b), and 1 − I_{1−x}(b, a) above (the
 * symmetry I_x(a, b) = 1 − I_{1−x}(b, a)). The tail computed directly keeps its full
 * relative precision, so a small p-value is never formed as 1 − (something near 1): `betaCdf` and
 * `betaSurvival` each take the directly computed side when it is theirs.
 *
 * The prefactor x^a (1 − x)^b / B(a, b) is where large a + b loses digits if done naively: with
 * a + b = 1e6, a·ln x, b·ln(1 − x) and ln B(a, b) are each ~1e7 and cancel to O(1), so an error of
 * one ulp in any of them (and Lanczos' ln Γ is only accurate to ~1e-15 relative) is ~1e-9 in the
 * result. Instead it is written with Stirling's formula around the mode x0 = a/(a + b) (the form
 * of DiDonato & Morris 1992, TOMS 708, and of Boost's ibeta_power_terms):
 *   x^a y^b / B(a, b) = sqrt(a·b / (2π(a + b))) · exp(a·φ(x/x0 − 1) + b·φ(y/y0 − 1) − Δ),
 * with φ(t) = ln(1 + t) − t (no cancellation: both terms are ≤ 0 and the linear parts a·t_a and
 * b·t_b cancel exactly on paper, so they are never formed), and Δ = μ(a) + μ(b) − μ(a + b), μ the
 * Stirling remainder ln Γ(z) − (z − ½) ln z + z − ½ ln 2π, which is small and is evaluated
 * without ln Γ (asymptotic series at z ≥ 10, upward recurrence below). What error remains is the
 * conditioning of the function itself: x is a double, and near the bulk of Beta(1e6, 1e6) a
 * relative change of ε in x moves I by ~1e3·ε.
 *
 * Non-finite input: every function returns NaN for a NaN or ±Infinity argument (or a parameter out
 * of its domain: a ≤ 0, b ≤ 0, x or q outside [0, 1]), as the other distribution functions in
 * src/stats (special-functions.ts) do. No input throws.
 */

/** Relative accuracy the continued fraction and the root finder aim for. */
const EPSILON = 1e-16;
/**
 * Continued-fraction terms before giving up: it needs O(sqrt(max(a, b))) terms near the mean
 * (about 550 at the mean of Beta(1e6, 1e6), a few dozen in the tails); the cap only guards
 * against a hang on input nobody validated.
 */
const MAX_FRACTION_TERMS = 1_000_000;
/** Keeps Lentz's method away from division by zero. */
const TINY = 1e-300;
const LOG_SQRT_TWO_PI = 0.5 * Math.log(2 * Math.PI);
/** Below this argument μ(z) is reached by the recurrence μ(z) = μ(z + 1) + (z + ½)·ln(1 + 1/z) − 1. */
const STIRLING_SERIES_FROM = 10;
/** B_{2k} / (2k(2k − 1)): the coefficients of μ(z) = Σ c_k / z^{2k−1}; at z ≥ 10 the ninth term is below 1e-18. */
const STIRLING_COEFFICIENTS = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400];

/** The Stirling remainder μ(z) = ln Γ(z) − (z − ½) ln z + z − ½ ln 2π for z > 0, accurate to a few 1e-16 absolute. */
function stirlingRemainder(z: number): number {
  let shifted = z;
  let sum = 0;
  while (shifted < STIRLING_SERIES_FROM) {
    // μ(z) − μ(z + 1) = (z + ½)·ln(1 + 1/z) − 1: each step is O(1/z²), computed with log1p.
    sum += (shifted + 0.5) * Math.log1p(1 / shifted) - 1;
    shifted += 1;
  }
  const inverse = 1 / shifted;
  const inverseSquared = inverse * inverse;
  let series = 0;
  for (let k = STIRLING_COEFFICIENTS.length - 1; k >= 0; k--) series = series * inverseSquared + STIRLING_COEFFICIENTS[k];
  return sum + series * inverse;
}

/**
 * φ(t) = ln(1 + t) − t for the ratio r = 1 + t, given both (t computed as a difference, so that
 * near t = 0 it carries its own relative precision; r for |t| ≥ ½, where ln r is well conditioned
 * and r near 0 would lose everything if rebuilt as 1 + t).
 */
function logOnePlusMinus(t: number, r: number): number {
  if (Math.abs(t) > 0.5) return Math.log(r) - t;
  // −t²/2 + t³/3 − …: about 50 terms at |t| = ½, a handful near 0.
  let power = t * t;
  let sum = -power / 2;
  for (let k = 3; k < 200; k++) {
    power *= -t;
    const term = power / k;
    sum -= term;
    if (Math.abs(term) <= Math.abs(sum) * EPSILON) break;
  }
  return sum;
}

/** x^a y^b / B(a, b) with y = 1 − x, for a, b > 0 and 0 < x < 1 (see the module comment). */
function powerTerms(a: number, b: number, x: number, y: number): number {
  const total = a + b;
  const modeX = a / total;
  const modeY = b / total;
  // x − x0 and y − y0 are equal and opposite; each is formed from the side that is exact-ish.
  const exponent =
    a * logOnePlusMinus((x - modeX) / modeX, x / modeX) +
    b * logOnePlusMinus((y - modeY) / modeY, y / modeY) -
    (stirlingRemainder(a) + stirlingRemainder(b) - stirlingRemainder(total));
  return Math.exp(exponent + 0.5 * Math.log((a / total) * b) - LOG_SQRT_TWO_PI);
}

/**
 * The continued fraction of Didonato & Morris (1992, BFRAC), in the form of Boost's
 * ibeta_fraction2: I_x(a, b) = x^a y^b / B(a, b) / (b0 + a1/(b1 + a2/(b2 + …))) with
 *   a_m = (a + m − 1)(a + b + m − 1)·m(b − m)·x² / (a + 2m − 1)²,
 *   b_m = m + m(b − m)x/(a + 2m − 1) + (a + m)(a·y − b·x + 1 + m(2 − x))/(a + 2m + 1),
 * evaluated by the modified Lentz method, for x at or below the mean a/(a + b). It replaced
 * Numerical Recipes' betacf (§6.4), whose first denominators 1 + d1/(1 + …) cancel when one
 * parameter is much larger than the other: at a = 1e6, b = ½ that lost up to 5e-11 relative near
 * the mean (against mpmath at 60 digits), where this form keeps ~1e-15, in fewer terms.
 */
function betaContinuedFraction(a: number, b: number, x: number, y: number): number {
  const lambdaPlusOne = a * y - b * x + 1;
  // m = 0 contributes only b0 = a(a·y − b·x + 1)/(a + 1).
  let f = (a * lambdaPlusOne) / (a + 1);
  if (Math.abs(f) < TINY) f = TINY;
  let c = f;
  let d = 0;
  for (let m = 1; m <= MAX_FRACTION_TERMS; m++) {
    const denominator = a + 2 * m - 1;
    const am = ((a + m - 1) * (a + b + m - 1) * m * (b - m) * x * x) / (denominator * denominator);
    const bm = m + (m * (b - m) * x) / denominator + ((a + m) * (lambdaPlusOne + m * (2 - x))) / (a + 2 * m + 1);
    // Comparisons rather than Math.abs in this loop: under jest every global lookup (Math) goes
    // through the vm context's interceptor and costs ~0.2 µs, which the simulation test multiplies.
    d = bm + am * d;
    if (d < TINY && d > -TINY) d = TINY;
    c = bm + am / c;
    if (c < TINY && c > -TINY) c = TINY;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (delta - 1 <= EPSILON && 1 - delta <= EPSILON) break;
  }
  return f;
}

function validParameters(a: number, b: number): boolean {
  return Number.isFinite(a) && Number.isFinite(b) && a > 0 && b > 0;
}

/**
 * Both tails [I_x(a, b), 1 − I_x(a, b)] for valid a, b and 0 ≤ x ≤ 1; the tail computed by the
 * continued fraction has full relative precision, the other is its complement.
 */
function incompleteBetaTails(a: number, b: number, x: number): [number, number] {
  if (x === 0) return [0, 1];
  if (x === 1) return [1, 0];
  const y = 1 - x;
  // The side of the mean: λ = a − (a + b)x, formed from y when a ≥ b (as Boost does).
  const lambda = a < b ? a - (a + b) * x : (a + b) * y - b;
  if (lambda >= 0) {
    const lower = powerTerms(a, b, x, y) / betaContinuedFraction(a, b, x, y);
    return [lower, 1 - lower];
  }
  const upper = powerTerms(b, a, y, x) / betaContinuedFraction(b, a, y, x);
  return [1 - upper, upper];
}

/**
 * Regularized incomplete beta function I_x(a, b) = B(x; a, b)/B(a, b), the Beta(a, b) CDF at x.
 * NaN unless a > 0, b > 0 are finite and 0 ≤ x ≤ 1. Accuracy, for a, b from 0.5 to 1e6 against a
 * 60-digit mpmath evaluation (test/fixtures/reference/credit-validation.json): below 1e-13
 * relative wherever the function's condition number x·f(x)/I is below 10, and within ~100 ulps
 * times that condition number elsewhere (6e-13 at 3.6e-228, twenty standard deviations out in
 * Beta(1e6, 1e5); scipy is 2.6e-12 off there).
 */
export function regularizedIncompleteBeta(a: number, b: number, x: number): number {
  if (!validParameters(a, b) || !(x >= 0 && x <= 1)) return NaN;
  return incompleteBetaTails(a, b, x)[0];
}

/** Beta(a, b) CDF Pr(X ≤ x); NaN as `regularizedIncompleteBeta`. */
export function betaCdf(x: number, a: number, b: number): number {
  return regularizedIncompleteBeta(a, b, x);
}

/** Beta(a, b) survival function Pr(X > x) = 1 − I_x(a, b), computed directly when it is the small tail; NaN as `betaCdf`. */
export function betaSurvival(x: number, a: number, b: number): number {
  if (!validParameters(a, b) || !(x >= 0 && x <= 1)) return NaN;
  return incompleteBetaTails(a, b, x)[1];
}

/** Beta(a, b) density at 0 < x < 1 (via the accurate power terms). */
function betaDensity(a: number, b: number, x: number): number {
  const y = 1 - x;
  return powerTerms(a, b, x, y) / (x * y);
}

/**
 * Initial guess for the quantile (Numerical Recipes' invbetai): for a, b ≥ 1 the normal
 * approximation of Abramowitz & Stegun 26.5.22, otherwise the two power-law tails of the density.
 */
function quantileGuess(q: number, a: number, b: number): number {
  if (a >= 1 && b >= 1) {
    const pp = q < 0.5 ? q : 1 - q;
    const t = Math.sqrt(-2 * Math.log(pp));
    let z = (2.30753 + t * 0.27061) / (1 + t * (0.99229 + t * 0.04481)) - t;
    if (q < 0.5) z = -z;
    const al = (z * z - 3) / 6;
    const h = 2 / (1 / (2 * a - 1) + 1 / (2 * b - 1));
    const w = (z * Math.sqrt(al + h)) / h - (1 / (2 * b - 1) - 1 / (2 * a - 1)) * (al + 5 / 6 - 2 / (3 * h));
    return a / (a + b * Math.exp(2 * w));
  }
  const lna = Math.log(a / (a + b));
  const lnb = Math.log(b / (a + b));
  const t = Math.exp(a * lna) / a;
  const u = Math.exp(b * lnb) / b;
  const w = t + u;
  return q < t / w ? Math.pow(a * w * q, 1 / a) : 1 - Math.pow(b * w * (1 - q), 1 / b);
}

/** Root-finder steps before returning the best bracket point (Halley converges in well under 20). */
const MAX_QUANTILE_STEPS = 2000;

/**
 * Beta(a, b) quantile: the x with I_x(a, b) = q. NaN unless a > 0, b > 0 are finite and
 * 0 ≤ q ≤ 1; q = 0 gives 0 and q = 1 gives 1.
 *
 * Halley's method from invbetai's guess, inside a bracket [lo, hi] that every evaluation narrows;
 * a step that leaves the bracket is replaced by bisection (geometric when the bracket spans orders
 * of magnitude, so a root at 1e-12 is reached in a few dozen steps, not hundreds). The residual
 * is taken on the small tail (q − I_x for q ≤ ½, I^c_x − (1 − q) above, 1 − q being exact there),
 * so the root keeps its relative precision at either end: to ~1e-15 relative, well under the
 * 1e-12 the report needs.
 */
export function betaQuantile(q: number, a: number, b: number): number {
  if (!validParameters(a, b) || !(q >= 0 && q <= 1)) return NaN;
  if (q === 0) return 0;
  if (q === 1) return 1;
  const upperTarget = 1 - q;
  const useUpper = q > 0.5;
  // Increasing in x, zero at the root.
  const residual = (x: number): number => {
    const [lower, upper] = incompleteBetaTails(a, b, x);
    return useUpper ? upperTarget - upper : lower - q;
  };
  let lo = 0;
  let hi = 1;
  let x = quantileGuess(q, a, b);
  if (!(x > 0 && x < 1)) x = 0.5;
  for (let step = 0; step < MAX_QUANTILE_STEPS; step++) {
    const f = residual(x);
    if (f === 0) return x;
    if (f < 0) lo = x;
    else hi = x;
    const density = betaDensity(a, b, x);
    let next = NaN;
    if (density > 0 && Number.isFinite(density)) {
      const newton = f / density;
      // Halley: divide by 1 − ½·newton·f''/f', with f''/f' = (a − 1)/x − (b − 1)/(1 − x); the
      // correction is capped so that it can never flip the step's direction.
      const curvature = (a - 1) / x - (b - 1) / (1 - x);
      next = x - newton / (1 - 0.5 * Math.min(1, newton * curvature));
    }
    if (!(next > lo && next < hi)) next = bisect(lo, hi);
    if (Math.abs(next - x) <= resolution(next) || hi - lo <= resolution(next)) return next;
    x = next;
  }
  return x;
}

/**
 * The step below which the root is resolved: 2ε relative to the nearer end of [0, 1] (so a root
 * near 0 keeps its relative precision), but never below the spacing of doubles at x (near 1 the
 * distance to 1 cannot be resolved any finer).
 */
function resolution(x: number): number {
  return Math.max(2 * EPSILON * Math.min(x, 1 - x), Number.EPSILON * x);
}

/** A point strictly inside (lo, hi) ⊆ [0, 1]: geometric in x or in 1 − x when the bracket spans orders of magnitude there. */
function bisect(lo: number, hi: number): number {
  if (lo === 0) return hi / 16;
  if (hi === 1) return 1 - (1 - lo) / 16;
  if (hi > 8 * lo) return Math.sqrt(lo * hi);
  if (1 - lo > 8 * (1 - hi)) return 1 - Math.sqrt((1 - lo) * (1 - hi));
  return lo + (hi - lo) / 2;
}
