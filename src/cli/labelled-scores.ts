import { readFeatureCsv } from '../model/csv';
import type { Scorer } from '../model/scorer';
import { CliFailure } from './command';
import { GrowableFloat64, GrowableUint8 } from './growable-array';

/**
 * Scores a labelled CSV with a streamed read, keeping only what evaluation needs: each row's
 * probability and outcome (9 bytes a row), for `evaluate` and `validate`. A file without data
 * rows is a CliFailure naming it.
 */
export async function scoreLabelledCsv(path: string, scorer: Scorer): Promise<{ probabilities: Float64Array; labels: Uint8Array }> {
  const probabilities = new GrowableFloat64();
  const labels = new GrowableUint8();
  for await (const chunk of readFeatureCsv(path, { requireLabels: true, requireCustomerId: false })) {
    probabilities.append(scorer.score(chunk.columns));
    labels.append(chunk.actualDefault as Uint8Array);
  }
  if (labels.length === 0) throw new CliFailure(`${path} has no data rows`);
  return { probabilities: probabilities.view(), labels: labels.view() };
}
