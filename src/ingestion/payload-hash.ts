import { createHash } from 'node:crypto';
import { IngestBatchInput } from './dto/ingest-batch.input';

/** JSON with object keys sorted, so the same content always hashes the same. */
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
 * Fingerprint of what the caller sent (everything but the batchId itself). Records are hashed in
 * order: the same applications in another order is another payload, because predictions are
 * returned in request order.
 */
export function payloadHash(input: IngestBatchInput): string {
  const hash = createHash('sha256');
  hash.update(canonicalJson({ modelVersion: input.modelVersion ?? null, metadata: input.metadata ?? null }));
  // Records have a fixed shape, so a fixed field order is canonical and much cheaper than
  // sorting keys for every one of up to 50,000 records.
  let chunk = '';
  for (const r of input.records) {
    chunk += `\n${JSON.stringify(r.customerId)},${r.age},${r.annualIncome},${r.debtToIncome},${r.creditUtilization},${r.numOpenAccounts},${r.delinquencyCount},${r.loanAmount},${r.employmentYears},${r.actualDefault ?? null}`;
    if (chunk.length > 65_536) {
      hash.update(chunk);
      chunk = '';
    }
  }
  hash.update(chunk);
  return hash.digest('hex');
}
