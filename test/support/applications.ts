/** Hand-made valid applications for API tests (no dependency on the generator). */
export function application(i: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    customerId: `cust-${i}`,
    age: 20 + (i % 50),
    annualIncome: 30_000 + ((i * 7919) % 90_000),
    debtToIncome: ((i * 37) % 90) / 100 + 0.05,
    creditUtilization: ((i * 53) % 90) / 100 + 0.05,
    numOpenAccounts: 1 + (i % 4),
    delinquencyCount: i % 4,
    loanAmount: 1_000 + ((i * 131) % 15_000),
    employmentYears: (i % 9) * 1.0,
    ...overrides,
  };
}

export function applications(n: number, offset = 0): Array<Record<string, unknown>> {
  return Array.from({ length: n }, (_, i) => application(i + offset));
}

/**
 * The ingestBatch mutation with the selection set a test reads back, e.g.
 * `ingestMutation('batchId drift { status }')`. One document shape for every test.
 */
export function ingestMutation(selection: string): string {
  return `
  mutation Ingest($input: IngestBatchInput!) {
    ingestBatch(input: $input) {
      ${selection}
    }
  }`;
}

/** The full payload: result, predictions and the data-quality summary. */
export const INGEST_MUTATION = ingestMutation(`batchId size modelVersion scoredWith replayed performanceTracked warnings receivedAt
      predictions { customerId probability riskLabel grade }
      dataQuality { rowCount duplicateCustomerIds duplicateRows missingValues invalidValues outOfSupportValues }`);
