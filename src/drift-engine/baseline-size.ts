/**
 * When the baseline is too small for the data it is compared with. A baseline is one sample of
 * the reference distribution, and its sampling error is fixed for as long as it is active: every
 * batch is compared with the same error. The false-alarm rate averaged over baselines stays at
 * alpha, but once batches are not much smaller than the baseline, some baselines alarm on many
 * same-distribution batches while others never do (bench/drift-calibration.ts, "per-baseline
 * false alarms"; docs/drift-methodology.md, "Baseline size").
 *
 * Measured with the full verdict (both gates): more than 5% of 200-row baselines alarm on more
 * than 10% of same-distribution batches from batches of 100 rows (half the baseline) up to 20,000
 * rows (up to 100% of batches for the worst baselines), while batches of 50 rows stay below; with
 * 300 and 400 rows the share stays at the 5% line but single baselines still alarm on 55–85% of
 * large batches; from 500 rows it stays ≤ 3% at every batch size measured (up to 50,000 rows
 * against 500, 100,000 against 5,000), the materiality gate absorbing the baseline's error. Hence:
 * warn when the baseline has fewer than BASELINE_MIN_ROWS rows and the batch has more than
 * BASELINE_SIZE_WARNING_RATIO times the baseline's rows.
 */

/** Baselines with at least this many rows are never warned about. */
export const BASELINE_MIN_ROWS = 500;
/** Batch rows per baseline row above which a smaller baseline is warned about. */
export const BASELINE_SIZE_WARNING_RATIO = 0.5;

/** The baseline-size caveat for a check of `rowCount` rows against `baselineRows`, if any. */
export function baselineSizeWarnings(baselineRows: number, rowCount: number): string[] {
  if (baselineRows >= BASELINE_MIN_ROWS || rowCount <= BASELINE_SIZE_WARNING_RATIO * baselineRows) return [];
  return [
    `the baseline has only ${baselineRows} rows and this check ${rowCount}: with a baseline below ${BASELINE_MIN_ROWS} rows, ` +
      `its own sampling error can make same-distribution batches of this size raise DRIFT persistently ` +
      `(measured: more than 5% of 200-row baselines alarm on more than 10% of such batches); ` +
      `re-create the baseline from at least ${BASELINE_MIN_ROWS} rows`,
  ];
}
