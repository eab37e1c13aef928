import { IngestBatchInput } from '../../../src/ingestion/dto/ingest-batch.input';
import { payloadHash } from '../../../src/ingestion/payload-hash';
import { FeatureRecord, toColumns } from '../../../src/model/features';
import { application, applications } from '../../support/applications';

function hashOf(input: Omit<Partial<IngestBatchInput>, 'records'> & { records: Array<Record<string, unknown>> }): string {
  const typed = input as unknown as IngestBatchInput;
  return payloadHash(typed, toColumns(typed.records as unknown as FeatureRecord[]));
}

describe('payloadHash', () => {
  const records = applications(5);

  it('is a sha256 hex digest, the same for the same payload', () => {
    const hash = hashOf({ batchId: 'b-1', records });
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashOf({ batchId: 'b-1', records: applications(5) })).toBe(hash);
  });

  it('ignores the batchId (it is the key the hash is compared under)', () => {
    expect(hashOf({ batchId: 'other', records })).toBe(hashOf({ batchId: 'b-1', records }));
  });

  it('metadata hashes the same whatever its key order; undefined keys count as absent', () => {
    const a = hashOf({ records, metadata: { source: 'x', nested: { b: 2, a: 1 } } });
    expect(hashOf({ records, metadata: { nested: { a: 1, b: 2 }, source: 'x' } })).toBe(a);
    expect(hashOf({ records, metadata: { nested: { a: 1, b: 2 }, source: 'x', gone: undefined } })).toBe(a);
    expect(hashOf({ records, metadata: { source: 'y', nested: { a: 1, b: 2 } } })).not.toBe(a);
  });

  it('absent metadata and modelVersion equal null ones, and differ from given ones', () => {
    const bare = hashOf({ records });
    expect(hashOf({ records, metadata: null, modelVersion: null })).toBe(bare);
    expect(hashOf({ records, modelVersion: 'm-1' })).not.toBe(bare);
    expect(hashOf({ records, metadata: {} })).not.toBe(bare);
  });

  it('changes with any feature value, label or customerId, and with the record order', () => {
    const base = hashOf({ records });
    const changed = (i: number, overrides: Record<string, unknown>) => records.map((r, j) => (j === i ? { ...r, ...overrides } : r));
    expect(hashOf({ records: changed(3, { loanAmount: (records[3].loanAmount as number) + 0.000001 }) })).not.toBe(base);
    expect(hashOf({ records: changed(0, { actualDefault: true }) })).not.toBe(base);
    expect(hashOf({ records: changed(0, { actualDefault: false }) })).not.toBe(hashOf({ records: changed(0, { actualDefault: true }) }));
    expect(hashOf({ records: changed(4, { customerId: 'someone-else' }) })).not.toBe(base);
    expect(hashOf({ records: [...records].reverse() })).not.toBe(base);
    expect(hashOf({ records: records.slice(0, 4) })).not.toBe(base);
  });

  it('customerIds are length-prefixed: moving characters between ids changes the hash', () => {
    const shared = { age: 30 };
    const ab = hashOf({ records: [application(0, { ...shared, customerId: 'ab' }), application(0, { ...shared, customerId: 'c' })] });
    const a = hashOf({ records: [application(0, { ...shared, customerId: 'a' }), application(0, { ...shared, customerId: 'bc' })] });
    expect(ab).not.toBe(a);
  });

  it('hashes a batch whose ids run past the internal chunk (65,536 characters) like any other', () => {
    const long = applications(3_000).map((r, i) => ({ ...r, customerId: `customer-with-a-long-identifier-${i}` }));
    expect(hashOf({ records: long })).toBe(hashOf({ records: long.map((r) => ({ ...r })) }));
    expect(hashOf({ records: long })).not.toBe(hashOf({ records: long.map((r, i) => (i === 2_999 ? { ...r, customerId: 'x' } : r)) }));
  });
});
