/**
 * A statistic that could not be computed (NaN, ±Infinity, absent) becomes null — "not evaluated"
 * in the API and in the database — never a number that could read as "no drift" or "fine".
 * Non-finite input is what this function is for.
 */
export function finiteOrNull(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
