import { InputProblem, InputValidationError, MAX_REPORTED_PROBLEMS } from '../common/errors/domain-error';
import { customerIdProblem } from '../common/validation/customer-id';
import { checkJsonValue, unsafeTextReason } from '../common/validation/text-safety';
import { FEATURE_NAMES, FeatureName } from '../model/features';
import { ApplicationInput } from './dto/application.input';
import { IngestBatchInput } from './dto/ingest-batch.input';

interface NumericRule {
  integer: boolean;
  min: number;
  /** Exclusive lower bound ("> 0") instead of inclusive. */
  minExclusive?: boolean;
  max?: number;
  text: string;
}

/** The value rules of ApplicationInput, in one table so messages and checks cannot disagree. */
export const FEATURE_RULES: Record<FeatureName, NumericRule> = {
  age: { integer: true, min: 18, max: 100, text: 'must be an integer from 18 to 100' },
  annualIncome: { integer: false, min: 0, minExclusive: true, text: 'must be greater than 0' },
  debtToIncome: { integer: false, min: 0, max: 1, text: 'must be between 0 and 1' },
  creditUtilization: { integer: false, min: 0, max: 1, text: 'must be between 0 and 1' },
  numOpenAccounts: { integer: true, min: 0, max: 50, text: 'must be an integer from 0 to 50' },
  delinquencyCount: { integer: true, min: 0, max: 20, text: 'must be an integer from 0 to 20' },
  loanAmount: { integer: false, min: 0, minExclusive: true, text: 'must be greater than 0' },
  employmentYears: { integer: false, min: 0, max: 50, text: 'must be between 0 and 50' },
};

const BATCH_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** The configurable bounds (AppConfig.maxBatchSize and AppConfig.inputLimits). */
export interface BatchLimits {
  maxBatchSize: number;
  maxAnnualIncome: number;
  maxLoanAmount: number;
  metadataMaxBytes: number;
  metadataMaxDepth: number;
}

/** Upper bounds from configuration, on top of FEATURE_RULES: 1e308 is finite but not an income. */
function configuredMaxima(limits: BatchLimits): Array<{ name: FeatureName; max: number; text: string }> {
  return [
    { name: 'annualIncome', max: limits.maxAnnualIncome, text: `must be at most ${limits.maxAnnualIncome} (MAX_ANNUAL_INCOME)` },
    { name: 'loanAmount', max: limits.maxLoanAmount, text: `must be at most ${limits.maxLoanAmount} (MAX_LOAN_AMOUNT)` },
  ];
}

function breaksRule(value: unknown, rule: NumericRule): boolean {
  if (typeof value !== 'number' || !Number.isFinite(value)) return true;
  if (rule.integer && !Number.isInteger(value)) return true;
  if (rule.minExclusive ? value <= rule.min : value < rule.min) return true;
  return rule.max !== undefined && value > rule.max;
}

/**
 * Checks a whole batch and throws one BAD_USER_INPUT error listing every problem (capped), so a
 * caller can fix a batch in one round trip. Runs before anything is written.
 */
export function validateBatch(input: IngestBatchInput, limits: BatchLimits): void {
  const problems: InputProblem[] = [];
  let total = 0;
  const report = (problem: InputProblem): void => {
    total++;
    if (problems.length < MAX_REPORTED_PROBLEMS) problems.push(problem);
  };

  if (input.batchId !== undefined && input.batchId !== null) {
    // An unsafe value is not echoed back: control characters do not belong in responses or logs.
    const unsafe = unsafeTextReason(input.batchId);
    if (unsafe) report({ index: null, field: 'batchId', rule: unsafe });
    else if (!BATCH_ID_PATTERN.test(input.batchId)) {
      report({ index: null, field: 'batchId', rule: 'must be 1–128 characters of letters, digits, . _ : -', value: input.batchId });
    }
  }
  if (input.metadata !== undefined && input.metadata !== null) {
    if (typeof input.metadata !== 'object' || Array.isArray(input.metadata)) {
      report({ index: null, field: 'metadata', rule: 'must be a JSON object' });
    } else {
      const rule = checkJsonValue(input.metadata, { maxBytes: limits.metadataMaxBytes, maxDepth: limits.metadataMaxDepth });
      if (rule) report({ index: null, field: 'metadata', rule });
    }
  }
  const records = input.records;
  if (!Array.isArray(records) || records.length === 0) {
    report({ index: null, field: 'records', rule: 'must contain at least one record' });
  } else if (records.length > limits.maxBatchSize) {
    report({
      index: null,
      field: 'records',
      rule: `must contain at most ${limits.maxBatchSize} records (MAX_BATCH_SIZE)`,
      value: records.length,
    });
  } else {
    const maxima = configuredMaxima(limits);
    for (let index = 0; index < records.length; index++) validateRecord(records[index], index, maxima, report);
  }
  if (total > 0) throw new InputValidationError(problems, total);
}

function validateRecord(
  record: ApplicationInput,
  index: number,
  maxima: ReturnType<typeof configuredMaxima>,
  report: (problem: InputProblem) => void,
): void {
  const id = record.customerId;
  const problem = customerIdProblem(id);
  if (problem) report({ index, field: 'customerId', rule: problem.rule, ...(problem.echo ? { value: id } : {}) });
  for (const name of FEATURE_NAMES) {
    const rule = FEATURE_RULES[name];
    const value = record[name];
    if (breaksRule(value, rule)) report({ index, field: name, rule: rule.text, value: Number.isNaN(value) ? 'NaN' : value });
  }
  for (const { name, max, text } of maxima) {
    const value = record[name];
    // Only values that passed the base rule: one problem per field.
    if (typeof value === 'number' && value > max && !breaksRule(value, FEATURE_RULES[name]))
      report({ index, field: name, rule: text, value });
  }
}
