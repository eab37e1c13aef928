/**
 * Compensated (Neumaier) summation. Distances such as Wasserstein add up one product per gap
 * between sorted values — up to millions of terms of mixed magnitude — and must agree with SciPy
 * (which uses pairwise summation) to ~1e-12 relative; plain left-to-right summation drifts by
 * O(n·ε) in the worst case, compensated summation stays at O(ε). Any NaN or ±Infinity added makes
 * the value NaN (the compensation term becomes Infinity − Infinity), never a finite number.
 */
export class CompensatedSum {
  private sum = 0;
  private compensation = 0;

  add(value: number): void {
    const t = this.sum + value;
    if (Math.abs(this.sum) >= Math.abs(value)) this.compensation += this.sum - t + value;
    else this.compensation += value - t + this.sum;
    this.sum = t;
  }

  get value(): number {
    return this.sum + this.compensation;
  }
}

/** Compensated sum of an array; NaN when it holds a non-finite value. */
export function accurateSum(values: ArrayLike<number>): number {
  const s = new CompensatedSum();
  for (let i = 0; i < values.length; i++) s.add(values[i]);
  return s.value;
}
