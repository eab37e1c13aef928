import { InputProblem, InputValidationError } from '../../../src/common/errors/domain-error';
import { NUL_RULE, SURROGATE_RULE } from '../../../src/common/validation/text-safety';
import { BatchLimits, validateBatch } from '../../../src/ingestion/batch-validation';
import { IngestBatchInput } from '../../../src/ingestion/dto/ingest-batch.input';
import { application } from '../../support/applications';

const LIMITS: BatchLimits = {
  maxBatchSize: 1_000,
  maxAnnualIncome: 100_000_000,
  maxLoanAmount: 100_000_000,
  metadataMaxBytes: 16_384,
  metadataMaxDepth: 8,
};

function batch(
  overrides: Partial<Record<keyof IngestBatchInput, unknown>> = {},
  records = [application(0), application(1), application(2)],
): IngestBatchInput {
  return { batchId: 'b-1', records, ...overrides } as unknown as IngestBatchInput;
}

/** The problems validateBatch throws, or [] when it accepts the batch. */
function problemsOf(input: IngestBatchInput, limits: BatchLimits = LIMITS): { problems: InputProblem[]; totalProblems: number } {
  try {
    validateBatch(input, limits);
    return { problems: [], totalProblems: 0 };
  } catch (error) {
    expect(error).toBeInstanceOf(InputValidationError);
    const e = error as InputValidationError;
    expect(e.code).toBe('BAD_USER_INPUT');
    return e.details as { problems: InputProblem[]; totalProblems: number };
  }
}

function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 1 };
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

describe('validateBatch', () => {
  it('accepts a clean batch, with an emoji in customerId and metadata at the configured depth', () => {
    const records = [
      application(0),
      application(1, { customerId: 'cust-💸-1' }),
      application(2, { annualIncome: 100_000_000, loanAmount: 100_000_000 }),
    ];
    expect(problemsOf(batch({ metadata: { source: 'x', deep: nested(7) } }, records)).problems).toEqual([]);
  });

  describe('customerId', () => {
    it.each([
      ['a NUL', 'cust\u00001', NUL_RULE],
      ['a lone high surrogate', 'cust-\ud800', SURROGATE_RULE],
      ['a lone low surrogate', '\udc00', SURROGATE_RULE],
    ])('rejects %s with the record index, without echoing the value', (_name, customerId, rule) => {
      const records = [application(0), application(1), application(2, { customerId })];
      const { problems } = problemsOf(batch({}, records));
      expect(problems).toEqual([{ index: 2, field: 'customerId', rule }]);
    });

    it('reports every bad record, each with its own index, next to other rules', () => {
      const records = [application(0, { customerId: '\u0000' }), application(1), application(2, { customerId: '\ud83d', age: 17 })];
      const { problems, totalProblems } = problemsOf(batch({}, records));
      expect(totalProblems).toBe(3);
      expect(problems).toEqual([
        { index: 0, field: 'customerId', rule: NUL_RULE },
        { index: 2, field: 'customerId', rule: SURROGATE_RULE },
        expect.objectContaining({ index: 2, field: 'age' }),
      ]);
    });
  });

  describe('batchId', () => {
    it.each([
      ['a NUL', 'batch\u0000', NUL_RULE],
      ['a lone surrogate', 'batch-\udfff', SURROGATE_RULE],
    ])('rejects %s as a batch-level problem', (_name, batchId, rule) => {
      expect(problemsOf(batch({ batchId })).problems).toEqual([{ index: null, field: 'batchId', rule }]);
    });

    it('still applies the character-set rule to safe text', () => {
      expect(problemsOf(batch({ batchId: 'has spaces' })).problems).toEqual([
        expect.objectContaining({ index: null, field: 'batchId', rule: expect.stringMatching(/1–128 characters/) }),
      ]);
    });
  });

  describe('metadata', () => {
    it('accepts exactly METADATA_MAX_DEPTH levels and rejects one more', () => {
      expect(problemsOf(batch({ metadata: nested(8) })).problems).toEqual([]);
      expect(problemsOf(batch({ metadata: nested(9) })).problems).toEqual([
        { index: null, field: 'metadata', rule: expect.stringMatching(/^must be nested at most 8 levels deep/) },
      ]);
    });

    it('rejects 5,000 levels of nesting without a stack overflow', () => {
      expect(problemsOf(batch({ metadata: nested(5_000) })).problems).toEqual([
        { index: null, field: 'metadata', rule: expect.stringMatching(/at most 8 levels deep/) },
      ]);
    });

    it('follows the configured depth limit', () => {
      expect(problemsOf(batch({ metadata: nested(3) }), { ...LIMITS, metadataMaxDepth: 2 }).problems).toEqual([
        { index: null, field: 'metadata', rule: expect.stringMatching(/at most 2 levels deep/) },
      ]);
    });

    it('rejects more than METADATA_MAX_BYTES of UTF-8 JSON', () => {
      const big = { note: 'x'.repeat(16_384) };
      expect(problemsOf(batch({ metadata: big })).problems).toEqual([
        { index: null, field: 'metadata', rule: 'must be at most 16384 bytes as JSON' },
      ]);
      expect(problemsOf(batch({ metadata: { note: 'x'.repeat(100) } }), { ...LIMITS, metadataMaxBytes: 64 }).problems).toEqual([
        { index: null, field: 'metadata', rule: 'must be at most 64 bytes as JSON' },
      ]);
    });

    it('rejects NUL and lone surrogates in values and keys, and non-finite numbers', () => {
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [{ a: { b: 'x\u0000' } }, /NUL characters \(at \$\.a\.b\)/],
        [{ tags: ['ok', '\ud800'] }, /unpaired UTF-16 surrogates \(at \$\.tags\[1\]\)/],
        [{ 'k\u0000': 1 }, /NUL characters \(in a key at \$\)/],
        [{ score: Infinity }, /non-finite/],
      ];
      for (const [metadata, rule] of cases) {
        const { problems } = problemsOf(batch({ metadata }));
        expect(problems).toEqual([{ index: null, field: 'metadata', rule: expect.stringMatching(rule) }]);
      }
    });

    it('still requires an object', () => {
      expect(problemsOf(batch({ metadata: ['a'] })).problems).toEqual([{ index: null, field: 'metadata', rule: 'must be a JSON object' }]);
    });
  });

  describe('annualIncome and loanAmount maxima', () => {
    it('rejects 1e308 with the index, field, configured maximum and variable name', () => {
      const records = [application(0), application(1, { annualIncome: 1e308 }), application(2, { loanAmount: 100_000_001 })];
      const { problems } = problemsOf(batch({}, records));
      expect(problems).toEqual([
        { index: 1, field: 'annualIncome', rule: 'must be at most 100000000 (MAX_ANNUAL_INCOME)', value: 1e308 },
        { index: 2, field: 'loanAmount', rule: 'must be at most 100000000 (MAX_LOAN_AMOUNT)', value: 100_000_001 },
      ]);
    });

    it('follows the configured maxima', () => {
      const limits = { ...LIMITS, maxAnnualIncome: 50_000, maxLoanAmount: 2_000 };
      const records = [
        application(0, { annualIncome: 50_000, loanAmount: 2_000 }),
        application(1, { annualIncome: 50_000.5, loanAmount: 2_001 }),
      ];
      expect(problemsOf(batch({}, records), limits).problems).toEqual([
        { index: 1, field: 'annualIncome', rule: 'must be at most 50000 (MAX_ANNUAL_INCOME)', value: 50_000.5 },
        { index: 1, field: 'loanAmount', rule: 'must be at most 2000 (MAX_LOAN_AMOUNT)', value: 2_001 },
      ]);
    });

    it('reports one problem per field: a value breaking the base rule gets only that rule', () => {
      const { problems } = problemsOf(batch({}, [application(0, { annualIncome: -1 }), application(1, { loanAmount: Infinity })]));
      expect(problems).toEqual([
        expect.objectContaining({ index: 0, field: 'annualIncome', rule: 'must be greater than 0' }),
        expect.objectContaining({ index: 1, field: 'loanAmount', rule: 'must be greater than 0' }),
      ]);
    });
  });

  it('counts every problem of a large batch but lists at most 100', () => {
    const records = Array.from({ length: 500 }, (_, i) => application(i, { customerId: `c\u0000${i}` }));
    const { problems, totalProblems } = problemsOf(batch({}, records));
    expect(totalProblems).toBe(500);
    expect(problems).toHaveLength(100);
    expect(problems[99]).toEqual({ index: 99, field: 'customerId', rule: NUL_RULE });
  });
});
