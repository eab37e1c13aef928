import {
  checkJsonValue,
  CONTROL_RULE,
  findUnsafeStrings,
  MAX_ARGUMENT_DEPTH,
  NUL_RULE,
  SURROGATE_RULE,
  unsafeTextReason,
} from '../../../src/common/validation/text-safety';

/** `{"a":{"a":...{"a":leaf}}}` with `levels` objects, built without recursion. */
function nested(levels: number, leaf: unknown = 1): unknown {
  let value: unknown = leaf;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

describe('unsafeTextReason', () => {
  it.each([
    ['plain ASCII', 'cust-42'],
    ['empty', ''],
    ['accents and CJK', 'Zoë 顧客'],
    ['a valid surrogate pair (emoji)', 'loan 💸 ok'],
    ['an emoji at the very end', 'x👍'],
    ['tab, newline and carriage return', 'a\tb\nc\r\n'],
    ['DEL and C1 controls (left alone)', 'a\u007f\u0085b'],
  ])('accepts %s', (_name, s) => {
    expect(unsafeTextReason(s)).toBeNull();
  });

  it.each([
    ['NUL', 'cust\u0000-1', NUL_RULE],
    ['NUL alone', '\u0000', NUL_RULE],
    ['a lone high surrogate', 'cust-\ud800', SURROGATE_RULE],
    ['a lone high surrogate before a normal char', '\ud83dx', SURROGATE_RULE],
    ['a lone low surrogate', '\udc00cust', SURROGATE_RULE],
    ['a reversed pair', '\udc4d\ud83d', SURROGATE_RULE],
    ['ESC (other C0 control)', 'red\u001b[31m', CONTROL_RULE],
    ['vertical tab', 'a\u000bb', CONTROL_RULE],
    ['NUL next to a lone surrogate (NUL wins)', '\ud800\u0000', NUL_RULE],
    ['a control next to a lone surrogate (surrogate wins)', '\u0001\ud800', SURROGATE_RULE],
  ])('rejects %s', (_name, s, rule) => {
    expect(unsafeTextReason(s)).toBe(rule);
  });
});

describe('checkJsonValue', () => {
  const limits = { maxBytes: 1_000, maxDepth: 8 };

  it('accepts ordinary metadata, including an emoji and nested arrays', () => {
    expect(checkJsonValue({ source: 'upstream 💳', tags: ['a', 'b'], nested: { n: 1.5, ok: true, none: null } }, limits)).toBeNull();
  });

  it('accepts depth exactly at the limit and rejects one more level', () => {
    expect(checkJsonValue(nested(8), limits)).toBeNull();
    expect(checkJsonValue(nested(9), limits)).toMatch(/^must be nested at most 8 levels deep \(exceeded at \$(\.a){8}\)$/);
    // Arrays count as levels too, and an empty container at the ninth level is still too deep.
    expect(checkJsonValue(nested(8, []), limits)).toMatch(/at most 8 levels/);
    expect(checkJsonValue([[[[[[[[1]]]]]]]], limits)).toBeNull();
    expect(checkJsonValue([[[[[[[[[1]]]]]]]]], limits)).toMatch(/exceeded at \$(\[0\]){8}\)$/);
  });

  it('rejects 10,000 levels of nesting without overflowing the stack (and without measuring its size)', () => {
    const deep = nested(10_000);
    const stringify = jest.spyOn(JSON, 'stringify');
    try {
      expect(checkJsonValue(deep, limits)).toMatch(/at most 8 levels/);
      expect(stringify).not.toHaveBeenCalled();
    } finally {
      stringify.mockRestore();
    }
    // Even 200,000 levels: the walk never goes below the limit.
    expect(checkJsonValue(nested(200_000), { maxBytes: 1e9, maxDepth: 100 })).toMatch(/at most 100 levels/);
  });

  it('rejects more UTF-8 bytes than allowed, counting multi-byte characters', () => {
    const exactly = (bytes: number): Record<string, string> => ({ k: 'x'.repeat(bytes - '{"k":""}'.length) });
    expect(checkJsonValue(exactly(1_000), limits)).toBeNull();
    expect(checkJsonValue(exactly(1_001), limits)).toBe('must be at most 1000 bytes as JSON');
    // 400 × "é" is 400 UTF-16 units but 800 bytes (+ 8 of JSON) > 500.
    expect(checkJsonValue({ k: 'é'.repeat(400) }, { maxBytes: 500, maxDepth: 8 })).toBe('must be at most 500 bytes as JSON');
    expect(checkJsonValue({ k: 'é'.repeat(200) }, { maxBytes: 500, maxDepth: 8 })).toBeNull();
  });

  it('agrees with the measured size exactly at and one byte under the limit, whatever the shape', () => {
    const values: unknown[] = [
      {},
      [],
      { a: [] },
      { a: [1, 2, 3], b: {}, c: [{}, []], d: null, e: true },
      { ключ: 'значение', '💸': ['💸', 'é'], esc: 'tab\there "quoted" \\' },
      [[], [[]], { x: [null, false, -1.5e-7] }],
      { long: 'x'.repeat(500), nested: { deeper: { deepest: ['y'.repeat(100)] } } },
    ];
    for (const value of values) {
      const bytes = Buffer.byteLength(JSON.stringify(value));
      expect(checkJsonValue(value, { maxBytes: bytes, maxDepth: 8 })).toBeNull();
      expect(checkJsonValue(value, { maxBytes: bytes - 1, maxDepth: 8 })).toBe(`must be at most ${bytes - 1} bytes as JSON`);
    }
  });

  it('rejects unsafe strings in values and keys, naming where', () => {
    expect(checkJsonValue({ a: { b: ['ok', 'bad\u0000'] } }, limits)).toBe(`${NUL_RULE} (at $.a.b[1])`);
    expect(checkJsonValue({ a: { 'k\u0000y': 1 } }, limits)).toBe(`${NUL_RULE} (in a key at $.a)`);
    expect(checkJsonValue({ 'odd key': { x: '\ud800' } }, limits)).toBe(`${SURROGATE_RULE} (at $["odd key"].x)`);
    // The location never echoes raw control characters.
    const rule = checkJsonValue({ 'k\u0000': { v: '\u0000' } }, limits)!;
    expect(rule).toMatch(/NUL/);
    expect(unsafeTextReason(rule)).toBeNull();
  });

  it('rejects non-finite numbers (JSON.parse turns 1e400 into Infinity)', () => {
    expect(checkJsonValue(JSON.parse('{"x":1e400}'), limits)).toMatch(/^must not contain non-finite numbers .* \(at \$\.x\)$/);
    expect(checkJsonValue({ x: [NaN] }, limits)).toMatch(/non-finite.*\$\.x\[0\]/);
    expect(checkJsonValue({ x: -Infinity }, limits)).toMatch(/non-finite/);
    expect(checkJsonValue({ x: 1e308, y: -0 }, limits)).toBeNull();
  });

  it('checks scalars at the top level too', () => {
    expect(checkJsonValue('fine', limits)).toBeNull();
    expect(checkJsonValue('\u0000', limits)).toBe(NUL_RULE);
    expect(checkJsonValue(Infinity, limits)).toMatch(/non-finite/);
    expect(checkJsonValue('x'.repeat(2_000), limits)).toMatch(/bytes/);
    expect(checkJsonValue(BigInt(1), limits)).toBe('must contain only JSON values');
  });
});

describe('findUnsafeStrings', () => {
  it('finds nothing in clean arguments', () => {
    expect(
      findUnsafeStrings({ input: { batchId: 'b-1', metadata: { s: '💸' }, records: [{ customerId: 'c', age: 30 }] }, first: 10 }),
    ).toEqual([]);
  });

  it('reports every unsafe value and key with its path, under the given prefix', () => {
    const args = {
      input: {
        batchId: 'b\u0000',
        records: [{ customerId: 'ok' }, { customerId: '\ud800' }, { customerId: 'also ok' }, { customerId: 'x\u001b' }],
        metadata: { notes: ['fine', 'bad\udfff'], 'k\u0000': 1 },
      },
    };
    expect(findUnsafeStrings(args, ['mutation'])).toEqual([
      { path: ['mutation', 'input', 'batchId'], rule: NUL_RULE },
      { path: ['mutation', 'input', 'records', 1, 'customerId'], rule: SURROGATE_RULE },
      { path: ['mutation', 'input', 'records', 3, 'customerId'], rule: CONTROL_RULE },
      { path: ['mutation', 'input', 'metadata', 'notes', 1], rule: SURROGATE_RULE },
      { path: ['mutation', 'input', 'metadata', 'k\u0000'], rule: `key ${NUL_RULE}` },
    ]);
  });

  it('checks the keys of every sibling, not just the first one with a given shape', () => {
    const records = [
      { a: 1, b: 2 },
      { a: 1, 'b\u0000': 2 },
      { a: 1, b: 2 },
      { 'a\ud800': 1, b: 2 },
    ];
    expect(findUnsafeStrings({ records }).map((p) => p.path)).toEqual([
      ['records', 1, 'b\u0000'],
      ['records', 3, 'a\ud800'],
    ]);
  });

  it('handles a string root and strings directly inside arrays', () => {
    expect(findUnsafeStrings('\u0000', ['batchId'])).toEqual([{ path: ['batchId'], rule: NUL_RULE }]);
    expect(findUnsafeStrings({ ids: ['a', '\u0000'] })).toEqual([{ path: ['ids', 1], rule: NUL_RULE }]);
  });

  it('stops at maxProblems', () => {
    const records = Array.from({ length: 1_000 }, () => ({ customerId: '\u0000' }));
    expect(findUnsafeStrings({ records })).toHaveLength(100);
    expect(findUnsafeStrings({ records }, [], 3).map((p) => p.path)).toEqual([
      ['records', 0, 'customerId'],
      ['records', 1, 'customerId'],
      ['records', 2, 'customerId'],
    ]);
  });

  it(`reports, rather than walks, anything nested deeper than ${MAX_ARGUMENT_DEPTH} levels (no stack overflow at 100,000)`, () => {
    const found = findUnsafeStrings({ metadata: nested(100_000, '\u0000') });
    expect(found).toHaveLength(1);
    expect(found[0].rule).toBe(`is nested more than ${MAX_ARGUMENT_DEPTH} levels deep`);
    // The root object is level 1, metadata level 2, so the cut is at 63 'a' keys below metadata.
    expect(found[0].path).toEqual(['metadata', ...Array(MAX_ARGUMENT_DEPTH - 1).fill('a')]);
    expect(findUnsafeStrings({ metadata: nested(MAX_ARGUMENT_DEPTH - 2, 'fine') })).toEqual([]);
  });

  it('ignores dates and other non-string leaves', () => {
    expect(findUnsafeStrings({ observedAt: new Date(), n: 1, b: true, z: null, u: undefined })).toEqual([]);
  });
});
