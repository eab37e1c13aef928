import { FeatureSupport, summarizeDataQuality } from '../../../src/ingestion/data-quality';
import { ApplicationInput } from '../../../src/ingestion/dto/application.input';
import { FeatureRecord, toColumns } from '../../../src/model/features';
import { application, applications } from '../../support/applications';

function summarize(records: Array<Record<string, unknown>>, support: FeatureSupport = {}) {
  const typed = records as unknown as ApplicationInput[];
  return summarizeDataQuality(typed, toColumns(typed as unknown as FeatureRecord[]), support);
}

describe('summarizeDataQuality', () => {
  it('a clean batch: counts rows, no duplicates, every missing label counted, no warnings', () => {
    const records = applications(10);
    records[2].actualDefault = true;
    records[5].actualDefault = false;
    records[7].actualDefault = null;
    const { summary, warnings } = summarize(records);
    expect(summary).toEqual({
      rowCount: 10,
      duplicateCustomerIds: 0,
      duplicateRows: 0,
      missingValues: 8,
      invalidValues: 0,
      outOfSupportValues: 0,
    });
    expect(warnings).toEqual([]);
  });

  it('a repeated customerId is a duplicate id; a repeated full record is also a duplicate row', () => {
    const records = [application(1), application(1), application(2, { customerId: 'cust-1' }), application(3)];
    const { summary, warnings } = summarize(records);
    expect(summary).toMatchObject({ rowCount: 4, duplicateCustomerIds: 2, duplicateRows: 1 });
    expect(warnings).toEqual([
      '2 record(s) repeat a customerId already in this batch',
      '1 record(s) are exact duplicates of an earlier record',
    ]);
  });

  it('a full duplicate of any earlier record with the same id counts, not only of the first', () => {
    const records = [application(1), application(2, { customerId: 'cust-1' }), application(2, { customerId: 'cust-1' })];
    expect(summarize(records).summary).toMatchObject({ duplicateCustomerIds: 2, duplicateRows: 1 });
  });

  it('records differing only in their label are not duplicate rows', () => {
    const records = [application(1, { actualDefault: true }), application(1, { actualDefault: false }), application(1)];
    expect(summarize(records).summary).toMatchObject({ duplicateCustomerIds: 2, duplicateRows: 0, missingValues: 1 });
  });

  it('counts values outside the baseline range per feature, bounds included in the range', () => {
    const records = [
      application(0, { age: 17.5 }),
      application(1, { age: 30 }),
      application(2, { age: 90 }),
      application(3, { age: 91, loanAmount: 1 }),
    ];
    const support: FeatureSupport = { age: { min: 18, max: 90 }, loanAmount: { min: 500, max: 50_000 } };
    const { summary, warnings } = summarize(records, support);
    expect(summary.outOfSupportValues).toBe(3);
    expect(warnings).toEqual([
      '2 value(s) of age lie outside the baseline range [18, 90]',
      '1 value(s) of loanAmount lie outside the baseline range [500, 50000]',
    ]);
  });

  it('without a baseline (empty support) nothing is out of support', () => {
    expect(summarize([application(0, { age: 1_000 })]).summary.outOfSupportValues).toBe(0);
  });

  it('an empty batch is all zeros', () => {
    expect(summarize([]).summary).toEqual({
      rowCount: 0,
      duplicateCustomerIds: 0,
      duplicateRows: 0,
      missingValues: 0,
      invalidValues: 0,
      outOfSupportValues: 0,
    });
  });
});
