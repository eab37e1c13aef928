import { CUSTOMER_ID_COLUMN, LABEL_COLUMN } from './csv';
import { FEATURE_CSV_COLUMNS, FEATURE_NAMES, FeatureColumns } from './features';

/**
 * Writes feature CSV text in the layout csv.ts reads. Numbers use JavaScript's shortest
 * round-trip form, so a value read back is the identical double (scores from a file and from
 * memory then agree bit for bit).
 */

export function featureCsvHeader(withLabels: boolean): string {
  const columns = [CUSTOMER_ID_COLUMN, ...FEATURE_NAMES.map((name) => FEATURE_CSV_COLUMNS[name])];
  if (withLabels) columns.push(LABEL_COLUMN);
  return `${columns.join(',')}\n`;
}

/** Rows [from, to) as CSV lines; labels written as true/false. */
export function featureCsvLines(
  customerId: (row: number) => string,
  columns: FeatureColumns,
  labels: ArrayLike<number> | null,
  from = 0,
  to = columns[FEATURE_NAMES[0]].length,
): string {
  const vectors = FEATURE_NAMES.map((name) => columns[name]);
  const lines: string[] = new Array(to - from);
  for (let i = from; i < to; i++) {
    let line = customerId(i);
    for (let j = 0; j < vectors.length; j++) line += `,${vectors[j][i]}`;
    if (labels) line += labels[i] === 1 ? ',true' : ',false';
    lines[i - from] = line;
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
