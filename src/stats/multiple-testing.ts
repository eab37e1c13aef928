/**
 * Multiple-testing adjustments for a family of p-values (one per monitored column).
 *
 * Holm–Bonferroni is the default in the drift engine: it controls the family-wise error rate (the
 * chance of flagging *any* column when nothing drifted) under arbitrary dependence between the
 * tests. The columns are strongly dependent here (debt-to-income is built from loan amount and
 * income; the prediction is a function of all features), and Benjamini–Hochberg's guarantee needs
 * independence or positive regression dependence. Holm is uniformly more powerful than Bonferroni.
 * BH is provided for exploratory use (it controls the false discovery rate instead).
 */

/**
 * Holm step-down adjusted p-values, in input order. Non-finite entries (NaN: a column not
 * evaluated; ±Infinity is no p-value either) are ignored: they come back NaN and do not count in
 * the family size.
 */
export function holmAdjust(pValues: ReadonlyArray<number>): number[] {
  const indices = pValues.map((_, i) => i).filter((i) => Number.isFinite(pValues[i]));
  indices.sort((i, j) => pValues[i] - pValues[j]);
  const m = indices.length;
  const adjusted = pValues.map(() => NaN);
  let running = 0;
  indices.forEach((index, rank) => {
    const value = Math.min(1, (m - rank) * pValues[index]);
    running = Math.max(running, value);
    adjusted[index] = running;
  });
  return adjusted;
}

/** Benjamini–Hochberg step-up adjusted p-values (q-values), in input order. Non-finite entries ignored as in Holm. */
export function benjaminiHochbergAdjust(pValues: ReadonlyArray<number>): number[] {
  const indices = pValues.map((_, i) => i).filter((i) => Number.isFinite(pValues[i]));
  indices.sort((i, j) => pValues[i] - pValues[j]);
  const m = indices.length;
  const adjusted = pValues.map(() => NaN);
  let running = 1;
  for (let rank = m - 1; rank >= 0; rank--) {
    const index = indices[rank];
    running = Math.min(running, (m / (rank + 1)) * pValues[index]);
    adjusted[index] = Math.min(1, running);
  }
  return adjusted;
}
