/**
 * Pearson chi-square test of homogeneity on a contingency table, matching
 * scipy.stats.chi2_contingency: expected counts from the margins, dof = (r − 1)(c − 1), p-value
 * from the chi-square survival function. Yates' continuity correction is applied only when asked
 * and only for dof = 1 (SciPy's `correction=True` semantics; SciPy never corrects larger tables).
 * The drift engine uses it without correction: Yates is known to be conservative and would cost
 * power on the 2 × 2 tables of binary features.
 */
import { chiSquareSurvival } from './special-functions';

export interface ChiSquareResult {
  statistic: number;
  dof: number;
  pValue: number;
}

export interface ChiSquareOptions {
  /** Yates continuity correction for 1-dof tables (default false). */
  correction?: boolean;
}

/**
 * Chi-square test on an r × c table of counts. Columns (and rows) whose total is 0 carry no
 * information and would make an expected count 0 (SciPy raises on that); they are dropped first.
 * A table left with fewer than 2 rows or columns has no test: statistic 0, dof 0, p-value NaN.
 * RangeError for a ragged table or a count that is negative, NaN or infinite.
 */
export function chiSquareContingency(table: ReadonlyArray<ArrayLike<number>>, options: ChiSquareOptions = {}): ChiSquareResult {
  const rowsIn = table.length;
  const colsIn = rowsIn > 0 ? table[0].length : 0;
  const rowTotals = new Float64Array(rowsIn);
  const colTotals = new Float64Array(colsIn);
  let total = 0;
  for (let r = 0; r < rowsIn; r++) {
    if (table[r].length !== colsIn) throw new RangeError('chiSquareContingency: ragged table');
    for (let c = 0; c < colsIn; c++) {
      const v = table[r][c];
      if (!(v >= 0 && v < Infinity)) {
        throw new RangeError(`chiSquareContingency: table[${r}][${c}] is ${v}; counts must be finite non-negative numbers`);
      }
      rowTotals[r] += v;
      colTotals[c] += v;
      total += v;
    }
  }
  const rows: number[] = [];
  const cols: number[] = [];
  for (let r = 0; r < rowsIn; r++) if (rowTotals[r] > 0) rows.push(r);
  for (let c = 0; c < colsIn; c++) if (colTotals[c] > 0) cols.push(c);
  const dof = (rows.length - 1) * (cols.length - 1);
  if (rows.length < 2 || cols.length < 2) return { statistic: 0, dof: 0, pValue: NaN };

  const correct = options.correction === true && dof === 1;
  let statistic = 0;
  for (const r of rows) {
    for (const c of cols) {
      const expected = (rowTotals[r] * colTotals[c]) / total;
      let observed = table[r][c];
      if (correct) {
        // SciPy moves each observed count towards its expectation by at most 0.5.
        const diff = expected - observed;
        observed += Math.sign(diff) * Math.min(0.5, Math.abs(diff));
      }
      const d = observed - expected;
      statistic += (d * d) / expected;
    }
  }
  return { statistic, dof, pValue: chiSquareSurvival(statistic, dof) };
}

/**
 * Chi-square homogeneity test of two count vectors over the same categories (a 2 × k table).
 * RangeError for vectors of different lengths or a count that is negative, NaN or infinite.
 */
export function chiSquareTwoSample(
  referenceCounts: ArrayLike<number>,
  currentCounts: ArrayLike<number>,
  options: ChiSquareOptions = {},
): ChiSquareResult {
  if (referenceCounts.length !== currentCounts.length) {
    throw new RangeError('chiSquareTwoSample: count vectors must cover the same categories');
  }
  for (const [name, counts] of [
    ['referenceCounts', referenceCounts],
    ['currentCounts', currentCounts],
  ] as const) {
    for (let i = 0; i < counts.length; i++) {
      const v = counts[i];
      if (!(v >= 0 && v < Infinity))
        throw new RangeError(`chiSquareTwoSample: ${name}[${i}] is ${v}; counts must be finite non-negative numbers`);
    }
  }
  return chiSquareContingency([referenceCounts, currentCounts], options);
}
