import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectChunks, CsvError, parseFeatureCsv, readFeatureCsv, readFeatureCsvRows } from '../../../src/model/csv';
import { featureCsvHeader, featureCsvLines } from '../../../src/model/feature-csv-writer';
import { toColumns } from '../../../src/model/features';

const HEADER =
  'customer_id,age,annual_income,debt_to_income,credit_utilization,num_open_accounts,delinquency_count,loan_amount,employment_years';

function parse(text: string, options: { requireLabels?: boolean; chunkRows?: number } = {}) {
  // Deliver the text in 7-character pieces to exercise lines split across reads.
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += 7) pieces.push(text.slice(i, i + 7));
  return collectChunks(parseFeatureCsv(pieces, { ...options, sourceName: 'test.csv' }));
}

async function csvError(text: string, options: { requireLabels?: boolean } = {}): Promise<CsvError> {
  try {
    await parse(text, options);
  } catch (error) {
    if (error instanceof CsvError) return error;
    throw error;
  }
  throw new Error('expected a CsvError');
}

describe('feature CSV reader', () => {
  it('reads columns in any order, labels in every accepted spelling, CRLF and quoted ids', async () => {
    const text =
      'age,customer_id,annual_income,debt_to_income,credit_utilization,num_open_accounts,delinquency_count,loan_amount,employment_years,actual_default,extra\r\n' +
      '30,a,40000,0.2,0.3,2,0,2000,3,true,x\r\n' +
      '41,"b,""quoted""",50000.5,0.25,0.5,3,1,2500,1.5,False,y\r\n' +
      '52,c,60000,0.3,0.6,4,2,3000,8,1,z\r\n' +
      '63,d,70000,0.35,0.7,5,3,3500,0,0,w\r\n\r\n';
    const table = await parse(text, { requireLabels: true });
    expect(table.customerIds).toEqual(['a', 'b,"quoted"', 'c', 'd']);
    expect(Array.from(table.columns.age)).toEqual([30, 41, 52, 63]);
    expect(Array.from(table.columns.annualIncome)).toEqual([40000, 50000.5, 60000, 70000]);
    expect(Array.from(table.actualDefault as Uint8Array)).toEqual([1, 0, 1, 0]);
  });

  it('parses numbers exactly as Number() does (file and in-memory scores must agree)', async () => {
    const values = ['0.1', '0.1234', '-3.5', '1e3', '123456789.123456', '0.30000000000000004', '007', '2.', '46836.0'];
    const lines = values.map((v, i) => `r${i},${v},1,0.1,0.1,1,0,1,1`).join('\n');
    const table = await parse(`${HEADER}\n${lines}\n`);
    expect(Array.from(table.columns.age)).toEqual(values.map(Number));
  });

  it('streams in chunks of the requested size with the first line of each chunk', async () => {
    const rows = Array.from({ length: 5 }, (_, i) => `r${i},${20 + i},1,0.1,0.1,1,0,1,1`).join('\n');
    const chunks = [];
    for await (const chunk of parseFeatureCsv([`${HEADER}\n${rows}`], { chunkRows: 2, sourceName: 't' })) chunks.push(chunk);
    expect(chunks.map((c) => [c.firstLine, c.length])).toEqual([
      [2, 2],
      [4, 2],
      [6, 1],
    ]);
    expect(Array.from(chunks[2].columns.age)).toEqual([24]);
  });

  it('names line and column for a non-numeric value', async () => {
    const error = await csvError(`${HEADER}\nr1,30,1,0.1,0.1,1,0,1,1\nr2,30,abc,0.1,0.1,1,0,1,1\n`);
    expect(error.line).toBe(3);
    expect(error.column).toBe('annual_income');
    expect(error.message).toBe('test.csv: line 3, column "annual_income": "abc" is not a finite number');
  });

  it('names line and column for an empty value', async () => {
    const error = await csvError(`${HEADER}\nr1,30,1,0.1,,1,0,1,1\n`);
    expect(error.message).toBe('test.csv: line 2, column "credit_utilization": empty value, expected a number');
  });

  it('names the missing column', async () => {
    const error = await csvError('customer_id,age\nr1,30\n');
    expect(error.line).toBe(1);
    expect(error.column).toBe('annual_income');
    expect(error.message).toMatch(/missing column "annual_income"/);
  });

  it('requires actual_default when labels are required, and validates label values', async () => {
    expect((await csvError(`${HEADER}\nr1,30,1,0.1,0.1,1,0,1,1\n`, { requireLabels: true })).column).toBe('actual_default');
    const bad = await csvError(`${HEADER},actual_default\nr1,30,1,0.1,0.1,1,0,1,1,maybe\n`);
    expect(bad.message).toBe('test.csv: line 2, column "actual_default": "maybe" is not a label (expected true/false/1/0)');
  });

  it('reports an empty file and a wrong field count', async () => {
    expect((await csvError('')).message).toMatch(/^test\.csv: line 1: empty file/);
    expect((await csvError(`${HEADER}\nr1,30,1\n`)).message).toBe('test.csv: line 2: expected 9 fields as in the header, found 3');
  });

  it('round-trips what the writer produces, row-wise as well', async () => {
    const records = [
      {
        age: 30,
        annualIncome: 40000.25,
        debtToIncome: 0.2,
        creditUtilization: 0.3,
        numOpenAccounts: 2,
        delinquencyCount: 0,
        loanAmount: 2000,
        employmentYears: 3,
      },
    ];
    const dir = mkdtempSync(join(tmpdir(), 'csv-'));
    const path = join(dir, 'rows.csv');
    writeFileSync(path, featureCsvHeader(true) + featureCsvLines(() => 'id-1', toColumns(records), [1]));
    const rows = [];
    for await (const row of readFeatureCsvRows(path)) rows.push(row);
    expect(rows).toEqual([{ line: 2, customerId: 'id-1', features: records[0], actualDefault: true }]);
    const chunks = [];
    for await (const chunk of readFeatureCsv(path)) chunks.push(chunk);
    expect(chunks).toHaveLength(1);
  });
});
