import { redactJson, redactText } from '../../../src/privacy/redaction';

const M = '[erased]';

describe('redaction of a customer id in free text and JSON', () => {
  it.each([
    ['cust-7', M],
    ['loan-cust-7', `loan-${M}`],
    ['{cust-7}', `{${M}}`],
    ['cust-7/cust-7', `${M}/${M}`],
    ["Model version 'cust-7' not found", `Model version '${M}' not found`],
    ['cust-70', 'cust-70'],
    ['cust-7b', 'cust-7b'],
    ['xcust-7', 'xcust-7'],
    ['écust-7', 'écust-7'],
    ['cust-70 then cust-7', `cust-70 then ${M}`],
    ['', ''],
  ])('%j → %j', (text, expected) => {
    expect(redactText(text, 'cust-7', M)).toBe(expected);
  });

  it('treats a letter outside the BMP next to the id as part of another token', () => {
    expect(redactText('\u{1D400}cust-7', 'cust-7', M)).toBe('\u{1D400}cust-7');
    expect(redactText('\u{1F600}cust-7', 'cust-7', M)).toBe(`\u{1F600}${M}`);
  });

  it('redacts strings and keys at any depth and says whether anything changed', () => {
    const value = { a: 'cust-7', list: ['x', { 'note-cust-7': 'cust-70', n: 7 }], nested: { deep: ['loan-cust-7'] }, empty: null };
    expect(redactJson(value, 'cust-7', M)).toEqual({
      changed: true,
      value: { a: M, list: ['x', { [`note-${M}`]: 'cust-70', n: 7 }], nested: { deep: [`loan-${M}`] }, empty: null },
    });
    const untouched = { a: 'cust-70' };
    const result = redactJson(untouched, 'cust-7', M);
    expect(result).toEqual({ changed: false, value: untouched });
    expect(result.value).toBe(untouched);
    expect(redactJson(null, 'cust-7', M)).toEqual({ changed: false, value: null });
  });
});
