/**
 * The eight model features, in the order the model artifact stores its coefficients.
 * Everything that turns applications into numbers (scoring, drift, CSV tools) uses this one list,
 * so the order can never disagree between the service and the command line.
 */
export const FEATURE_NAMES = [
  'age',
  'annualIncome',
  'debtToIncome',
  'creditUtilization',
  'numOpenAccounts',
  'delinquencyCount',
  'loanAmount',
  'employmentYears',
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];

/** Column names used in CSV files (snake_case, as in the credit-g derived datasets). */
export const FEATURE_CSV_COLUMNS: Record<FeatureName, string> = {
  age: 'age',
  annualIncome: 'annual_income',
  debtToIncome: 'debt_to_income',
  creditUtilization: 'credit_utilization',
  numOpenAccounts: 'num_open_accounts',
  delinquencyCount: 'delinquency_count',
  loanAmount: 'loan_amount',
  employmentYears: 'employment_years',
};

/**
 * Discrete features are small counts with heavy ties: drift tests treat them as categories
 * (chi-square, categorical PSI) instead of KS, which misleads on ties.
 */
export const DISCRETE_FEATURES: ReadonlySet<FeatureName> = new Set<FeatureName>(['numOpenAccounts', 'delinquencyCount']);

/** One application as the model sees it. */
export type FeatureRecord = Record<FeatureName, number>;

/**
 * Column-major view of a batch: one Float64Array per feature. Scoring and drift work on columns
 * so that a 50,000-row batch is eight typed arrays, not 50,000 objects.
 */
export type FeatureColumns = Record<FeatureName, Float64Array>;

export function toColumns(records: ReadonlyArray<FeatureRecord>): FeatureColumns {
  const columns = {} as FeatureColumns;
  for (const name of FEATURE_NAMES) {
    const column = new Float64Array(records.length);
    for (let i = 0; i < records.length; i++) column[i] = records[i][name];
    columns[name] = column;
  }
  return columns;
}
