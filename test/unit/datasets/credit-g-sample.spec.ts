import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { convertCreditG } from '../../../datasets/credit-g-converter';
import { CREDIT_G_SAMPLE, creditGSampleArff } from '../../../datasets/credit-g-sample';

describe('datasets/credit-g-sample.arff', () => {
  const committed = readFileSync(resolve(__dirname, '../../../datasets', CREDIT_G_SAMPLE.file), 'utf8');

  it('is what npm run datasets:samples writes (same seed, same bytes)', () => {
    expect(committed).toBe(creditGSampleArff());
  });

  it('converts cleanly, with both outcomes present', () => {
    const rows = convertCreditG(committed);
    expect(rows).toHaveLength(CREDIT_G_SAMPLE.rows);
    const defaults = rows.filter((row) => row.actualDefault).length;
    expect(defaults).toBeGreaterThan(0);
    expect(defaults).toBeLessThan(rows.length);
  });
});
