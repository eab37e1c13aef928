import { FeatureRecord } from '../src/model/features';

/**
 * Converts raw OpenML credit-g (data set 31; its ARFF file or a CSV export of it) into the
 * service's eight features plus actual_default, with the mapping of ../shared/datasets/README.md:
 *
 *   annual_income      = max(18000, credit_amount*14 + age*210 + existing_credits*1800 + employment_years*1600)
 *   debt_to_income     = clip(credit_amount*duration / annual_income / 8, 0.05, 0.95)
 *   credit_utilization = clip(checking*0.55 + savings*0.45, 0.05, 0.98)
 *   num_open_accounts  = existing_credits + 1
 *   delinquency_count  = from credit_history
 *   loan_amount        = credit_amount
 *   employment_years   = from employment
 *   actual_default     = class == "bad"
 * Rounding: income and loan to 2 decimals, ratios to 4, employment_years to 1 (numpy-style, see roundTo).
 * customer_id is openml-credit-NNNN in row order.
 */

export const REQUIRED_ATTRIBUTES = [
  'checking_status',
  'duration',
  'credit_history',
  'credit_amount',
  'savings_status',
  'employment',
  'age',
  'existing_credits',
  'class',
] as const;
type RawAttribute = (typeof REQUIRED_ATTRIBUTES)[number];

const CHECKING_UTILIZATION: Record<string, number> = { '<0': 0.85, '0<=X<200': 0.55, '>=200': 0.25, 'no checking': 0.45 };
const SAVINGS_UTILIZATION: Record<string, number> = {
  '<100': 0.85,
  '100<=X<500': 0.65,
  '500<=X<1000': 0.45,
  '>=1000': 0.25,
  'no known savings': 0.55,
};
const HISTORY_DELINQUENCIES: Record<string, number> = {
  'critical/other existing credit': 3,
  'delayed previously': 2,
  'all paid': 1,
  'existing paid': 0,
  'no credits/all paid': 0,
};
const EMPLOYMENT_YEARS: Record<string, number> = { unemployed: 0, '<1': 0.5, '1<=X<4': 2.5, '4<=X<7': 5.5, '>=7': 8 };

export interface ConvertedRow extends FeatureRecord {
  customerId: string;
  actualDefault: boolean;
}

export class ConversionError extends Error {
  constructor(
    readonly line: number,
    readonly attribute: string | null,
    problem: string,
  ) {
    super(`line ${line}${attribute ? `, attribute "${attribute}"` : ''}: ${problem}`);
    this.name = 'ConversionError';
  }
}

/** Detects the format: ARFF if the text has an @data section, otherwise CSV with a header row. */
export function convertCreditG(text: string): ConvertedRow[] {
  return /^\s*@data\b/im.test(text) ? convertArff(text) : convertCsv(text);
}

export function convertArff(text: string): ConvertedRow[] {
  const lines = text.split(/\r?\n/);
  const attributes: string[] = [];
  let dataStart = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('%')) continue;
    const attribute = /^@attribute\s+('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\S+)/i.exec(line);
    if (attribute) attributes.push(unquote(attribute[1]));
    else if (/^@data\b/i.test(line)) {
      dataStart = i + 1;
      break;
    }
  }
  if (dataStart < 0) throw new ConversionError(lines.length, null, 'no @data section in the ARFF file');
  const positions = attributePositions(attributes, 1);
  const rows: ConvertedRow[] = [];
  for (let i = dataStart; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('%')) continue;
    if (line.startsWith('{')) throw new ConversionError(i + 1, null, 'sparse ARFF rows are not supported');
    rows.push(convertRecord(splitArffValues(line, i + 1), positions, i + 1, rows.length));
  }
  return rows;
}

export function convertCsv(text: string): ConvertedRow[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerIndex = lines.findIndex((line) => line.trim() !== '');
  if (headerIndex < 0) throw new ConversionError(1, null, 'empty file: expected a header row with credit-g attribute names');
  const positions = attributePositions(splitArffValues(lines[headerIndex], headerIndex + 1), headerIndex + 1);
  const rows: ConvertedRow[] = [];
  for (let i = headerIndex + 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    rows.push(convertRecord(splitArffValues(lines[i], i + 1), positions, i + 1, rows.length));
  }
  return rows;
}

function attributePositions(names: string[], line: number): Record<RawAttribute, number> {
  const positions = {} as Record<RawAttribute, number>;
  for (const attribute of REQUIRED_ATTRIBUTES) {
    const index = names.findIndex((name) => name.trim().toLowerCase() === attribute);
    if (index < 0) throw new ConversionError(line, attribute, `missing attribute "${attribute}" (found: ${names.join(', ')})`);
    positions[attribute] = index;
  }
  return positions;
}

function convertRecord(values: string[], positions: Record<RawAttribute, number>, line: number, index: number): ConvertedRow {
  const raw = (attribute: RawAttribute): string => {
    const value = values[positions[attribute]];
    if (value === undefined) throw new ConversionError(line, attribute, `row has ${values.length} values, attribute missing`);
    if (value === '?' || value === '') throw new ConversionError(line, attribute, 'missing value');
    return value;
  };
  const numeric = (attribute: RawAttribute): number => {
    const value = Number(raw(attribute));
    if (!Number.isFinite(value)) throw new ConversionError(line, attribute, `"${raw(attribute)}" is not a number`);
    return value;
  };
  const category = (attribute: RawAttribute, table: Record<string, number>): number => {
    const value = raw(attribute);
    if (!Object.prototype.hasOwnProperty.call(table, value)) {
      throw new ConversionError(line, attribute, `unknown category "${value}" (expected one of: ${Object.keys(table).join(', ')})`);
    }
    return table[value];
  };

  const creditAmount = numeric('credit_amount');
  const duration = numeric('duration');
  const age = numeric('age');
  const existingCredits = numeric('existing_credits');
  const employmentYears = category('employment', EMPLOYMENT_YEARS);
  const annualIncome = Math.max(18000, creditAmount * 14 + age * 210 + existingCredits * 1800 + employmentYears * 1600);
  const utilization = category('checking_status', CHECKING_UTILIZATION) * 0.55 + category('savings_status', SAVINGS_UTILIZATION) * 0.45;
  const outcome = raw('class');
  if (outcome !== 'good' && outcome !== 'bad') throw new ConversionError(line, 'class', `"${outcome}" is not "good" or "bad"`);

  return {
    customerId: `openml-credit-${String(index + 1).padStart(4, '0')}`,
    age,
    annualIncome: roundTo(annualIncome, 2),
    debtToIncome: roundTo(clip((creditAmount * duration) / annualIncome / 8, 0.05, 0.95), 4),
    creditUtilization: roundTo(clip(utilization, 0.05, 0.98), 4),
    numOpenAccounts: existingCredits + 1,
    delinquencyCount: category('credit_history', HISTORY_DELINQUENCIES),
    loanAmount: roundTo(creditAmount, 2),
    employmentYears: roundTo(employmentYears, 1),
    actualDefault: outcome === 'bad',
  };
}

/**
 * Splits an ARFF data line or a CSV export line: values separated by commas, optionally quoted
 * with single or double quotes (ARFF quotes categories such as '<0'; CSV exports may double-quote
 * them and sometimes keep the inner single quotes, which are removed too).
 */
export function splitArffValues(line: string, lineNumber: number): string[] {
  const values: string[] = [];
  let i = 0;
  const n = line.length;
  while (i <= n) {
    while (i < n && (line[i] === ' ' || line[i] === '\t')) i++;
    let value: string;
    if (line[i] === "'" || line[i] === '"') {
      const quote = line[i];
      let j = i + 1;
      value = '';
      for (;;) {
        if (j >= n) throw new ConversionError(lineNumber, null, 'unterminated quoted value');
        if (line[j] === '\\' && j + 1 < n) {
          value += line[j + 1];
          j += 2;
        } else if (line[j] === quote && line[j + 1] === quote && quote === '"') {
          value += '"';
          j += 2;
        } else if (line[j] === quote) {
          j++;
          break;
        } else {
          value += line[j++];
        }
      }
      while (j < n && line[j] !== ',') j++;
      i = j;
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? n : comma;
      value = line.slice(i, end).trim();
      i = end;
    }
    values.push(unquote(value.trim()));
    i++; // past the comma (or past the end)
  }
  return values;
}

function unquote(value: string): string {
  if (value.length >= 2 && (value[0] === "'" || value[0] === '"') && value[value.length - 1] === value[0]) return value.slice(1, -1);
  return value;
}

function clip(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}

/**
 * Rounds as numpy / pandas `.round(d)` (which produced the reference CSV): x·10^d rounded half to
 * even, divided back. Python's built-in round(x, d) differs on products that land exactly on .5
 * (741·12/18000/8 → 0.0618 in the reference file, 0.0617 with round()).
 */
function roundTo(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  const scaled = value * scale;
  const floor = Math.floor(scaled);
  const diff = scaled - floor;
  const rounded = diff > 0.5 ? floor + 1 : diff < 0.5 ? floor : floor % 2 === 0 ? floor : floor + 1;
  return rounded / scale;
}
