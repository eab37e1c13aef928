import { application, applications, INGEST_MUTATION } from '../support/applications';
import { useServiceFixture } from '../support/service-fixture';

const SUBMIT = `mutation($input: SubmitOutcomesInput!) { submitOutcomes(input: $input) { received matchedRows labelledRows } }`;

interface Problem {
  index: number | null;
  field: string;
  rule: string;
}

describe('unsafe text and oversized values are refused before PostgreSQL (real service)', () => {
  const fixture = useServiceFixture();

  async function counts(): Promise<{ batches: number; predictions: number; labelled: number }> {
    const result = await fixture.sql.query(
      `SELECT (SELECT count(*) FROM batches)::int AS batches, (SELECT count(*) FROM prediction_logs)::int AS predictions,
              (SELECT count(*) FROM prediction_logs WHERE actual_default IS NOT NULL)::int AS labelled`,
    );
    return result.rows[0];
  }

  async function expectRejected(
    query: string,
    input: Record<string, unknown>,
    expected: Problem | (Omit<Problem, 'rule'> & { rule: RegExp }),
  ): Promise<void> {
    const before = await counts();
    const response = await fixture.service.gql(query, { input });
    expect(response.data ?? null).toBeNull();
    expect(response.errors).toHaveLength(1);
    const error = response.errors![0];
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    const problems = error.extensions?.problems as Problem[];
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ index: expected.index, field: expected.field });
    if (expected.rule instanceof RegExp) expect(problems[0].rule).toMatch(expected.rule);
    else expect(problems[0].rule).toBe(expected.rule);
    expect(await counts()).toEqual(before);
  }

  beforeAll(async () => {
    // Something stored, so "nothing written" is checked against non-zero counts, and an emoji
    // (a valid surrogate pair) round-trips intact.
    const records = [application(0, { customerId: 'cust-💳-0' }), ...applications(4, 1)];
    const response = await fixture.service.gql(INGEST_MUTATION, {
      input: { batchId: 'clean-1', metadata: { source: 'test 💳' }, records },
    });
    expect(response.errors).toBeUndefined();
    const stored = await fixture.sql.query(`SELECT customer_id FROM prediction_logs WHERE row_index = 0`);
    expect(stored.rows[0].customer_id).toBe('cust-💳-0');
  });

  describe('ingestBatch', () => {
    it('a customerId with NUL names the record', async () => {
      const records = [application(0), application(1), application(2, { customerId: 'cust\u0000-2' })];
      await expectRejected(INGEST_MUTATION, { records }, { index: 2, field: 'customerId', rule: 'must not contain NUL characters' });
    });

    it('a customerId that is a lone surrogate names the record (JSON carries it as the \\ud800 escape)', async () => {
      expect(JSON.stringify('\ud800')).toBe('"\\ud800"');
      const records = [application(0), application(1, { customerId: '\ud800' })];
      await expectRejected(
        INGEST_MUTATION,
        { records },
        { index: 1, field: 'customerId', rule: 'must not contain unpaired UTF-16 surrogates' },
      );
    });

    it('a batchId with NUL is a batch-level problem', async () => {
      await expectRejected(
        INGEST_MUTATION,
        { batchId: 'batch\u0000-1', records: applications(2) },
        { index: null, field: 'batchId', rule: 'must not contain NUL characters' },
      );
    });

    it('metadata nested 5,000 levels deep (body built by hand: JSON.stringify overflows the stack on it)', async () => {
      const before = await counts();
      const deep = '{"a":'.repeat(4_999) + '{"leaf":1}' + '}'.repeat(4_999);
      const body = JSON.stringify({
        query: INGEST_MUTATION,
        variables: { input: { metadata: '__DEEP__', records: applications(2) } },
      }).replace('"__DEEP__"', deep);
      const response = await fixture.service.fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const json = (await response.json()) as { data?: unknown; errors: Array<{ extensions: { code: string; problems: Problem[] } }> };
      expect(json.data ?? null).toBeNull();
      expect(json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(json.errors[0].extensions.problems).toEqual([
        { index: null, field: 'metadata', rule: `must be nested at most 8 levels deep (exceeded at $${'.a'.repeat(8)})` },
      ]);
      expect(await counts()).toEqual(before);
    });

    it('metadata over METADATA_MAX_BYTES', async () => {
      const metadata = { note: 'x'.repeat(16_384) };
      await expectRejected(
        INGEST_MUTATION,
        { metadata, records: applications(2) },
        { index: null, field: 'metadata', rule: 'must be at most 16384 bytes as JSON' },
      );
    });

    it('metadata with NUL in a key (jsonb cannot store \\u0000)', async () => {
      await expectRejected(
        INGEST_MUTATION,
        { metadata: { 'k\u0000': 'v' }, records: applications(2) },
        { index: null, field: 'metadata', rule: /NUL characters \(in a key at \$\)/ },
      );
    });

    it('annualIncome of 1e308 names the record and the limit', async () => {
      const records = [application(0), application(1, { annualIncome: 1e308 })];
      await expectRejected(
        INGEST_MUTATION,
        { records },
        { index: 1, field: 'annualIncome', rule: 'must be at most 100000000 (MAX_ANNUAL_INCOME)' },
      );
    });

    it('loanAmount above MAX_LOAN_AMOUNT names the record and the limit', async () => {
      const records = [application(0, { loanAmount: 1e9 })];
      await expectRejected(
        INGEST_MUTATION,
        { records },
        { index: 0, field: 'loanAmount', rule: 'must be at most 100000000 (MAX_LOAN_AMOUNT)' },
      );
    });
  });

  describe('submitOutcomes', () => {
    const observedAt = new Date().toISOString();

    it('a customerId with NUL names the outcome', async () => {
      const outcomes = [
        { customerId: 'cust-1', batchId: 'clean-1', actualDefault: true, observedAt },
        { customerId: 'cust\u0000-1', batchId: 'clean-1', actualDefault: true, observedAt },
      ];
      await expectRejected(SUBMIT, { outcomes }, { index: 1, field: 'customerId', rule: 'must not contain NUL characters' });
    });

    it('a batchId with a lone surrogate names the outcome', async () => {
      const outcomes = [{ customerId: 'cust-1', batchId: 'clean-\udc00', actualDefault: true, observedAt }];
      await expectRejected(SUBMIT, { outcomes }, { index: 0, field: 'batchId', rule: 'must not contain unpaired UTF-16 surrogates' });
    });
  });
});
