import { createHash } from 'node:crypto';
import { FEATURE_NAMES, FeatureColumns } from '../model/features';
import { IngestBatchInput } from './dto/ingest-batch.input';

/** JSON with object keys sorted, so the same metadata always hashes the same. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return '[' + value.map(canonicalJson).join(',') + ']';
  const entries = Object.keys(value as Record<string, unknown>)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort()
    .map((key) => JSON.stringify(key) + ':' + canonicalJson((value as Record<string, unknown>)[key]));
  return '{' + entries.join(',') + '}';
}

/**
 * Fingerprint of what the caller sent (everything but the batchId itself), used to tell an
 * idempotent retry from a conflicting reuse of a batchId. Records are hashed in order (the same
 * applications in another order is another payload: predictions come back in request order).
 * Feature values are hashed as the bytes of their float64 columns — exact, and an order of
 * magnitude cheaper than formatting 400,000 numbers as text.
 */
export function payloadHash(input: IngestBatchInput, columns: FeatureColumns): string {
  const hash = createHash('sha256');
  hash.update(canonicalJson({ modelVersion: input.modelVersion ?? null, metadata: input.metadata ?? null }));
  hash.update(`\n${input.records.length}\n`);
  for (const name of FEATURE_NAMES) {
    const column = columns[name];
    hash.update(new Uint8Array(column.buffer, column.byteOffset, column.byteLength));
  }
  const labels = new Uint8Array(input.records.length);
  let ids = '';
  input.records.forEach((record, i) => {
    labels[i] = record.actualDefault === true ? 1 : record.actualDefault === false ? 2 : 0;
    // Length-prefixed, so no choice of ids can make two different lists hash alike.
    ids += `${record.customerId.length}:${record.customerId}`;
    if (ids.length > 65_536) {
      hash.update(ids);
      ids = '';
    }
  });
  hash.update(ids);
  hash.update(labels);
  return hash.digest('hex');
}
