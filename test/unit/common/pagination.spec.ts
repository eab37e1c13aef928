import { DomainError } from '../../../src/common/errors/domain-error';
import {
  decodeCursor,
  decodeIdCursor,
  decodeNumberCursor,
  encodeCursor,
  MAX_PAGE_SIZE,
  newestFirstPage,
  pageSize,
  toConnection,
} from '../../../src/common/pagination/connection';

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const SPEC = { table: 'alerts', alias: 'a', timeColumn: 'created_at' };

/** The DomainError `work` throws (fails the test when it throws nothing or something else). */
function domainError(work: () => unknown): DomainError {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error('expected a DomainError');
}

describe('pageSize', () => {
  it('defaults when first is null or undefined, and takes a default of its own', () => {
    expect(pageSize(undefined)).toBe(50);
    expect(pageSize(null)).toBe(50);
    expect(pageSize(undefined, 20)).toBe(20);
  });

  it('accepts 1 to MAX_PAGE_SIZE', () => {
    expect(pageSize(1)).toBe(1);
    expect(pageSize(MAX_PAGE_SIZE)).toBe(MAX_PAGE_SIZE);
  });

  it.each([0, -1, MAX_PAGE_SIZE + 1, 2.5, Number.NaN])('refuses %p as BAD_USER_INPUT on field first', (first) => {
    const error = domainError(() => pageSize(first));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.details).toEqual({ field: 'first' });
    expect(error.message).toContain(`1 to ${MAX_PAGE_SIZE}`);
  });
});

describe('cursors', () => {
  it('encodeCursor is opaque base64url that decodeCursor reads back', () => {
    const cursor = encodeCursor(['2030-01-01T00:00:00.000Z', ID, 7]);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(['2030-01-01T00:00:00.000Z', ID, 7]);
  });

  it('decodeIdCursor returns the uuid of an id cursor', () => {
    expect(decodeIdCursor(encodeCursor([ID]))).toBe(ID);
    expect(decodeIdCursor(encodeCursor([ID.toUpperCase()]))).toBe(ID.toUpperCase());
  });

  it('decodeNumberCursor returns a non-negative safe integer', () => {
    expect(decodeNumberCursor(encodeCursor([0]))).toBe(0);
    expect(decodeNumberCursor(encodeCursor([42]))).toBe(42);
    expect(decodeNumberCursor(encodeCursor(['17']))).toBe(17);
  });

  const forged: Array<[string, string]> = [
    ['not base64 JSON', '%%%'],
    ['JSON that is not an array', Buffer.from('{"id":1}').toString('base64url')],
    ['an array holding an object', Buffer.from('[{"id":1}]').toString('base64url')],
    ['an empty string', ''],
  ];

  it.each(forged)('every decoder refuses %s as BAD_USER_INPUT naming after', (_name, cursor) => {
    for (const decode of [decodeCursor, decodeIdCursor, decodeNumberCursor]) {
      const error = domainError(() => decode(cursor));
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.details).toMatchObject({
        field: 'after',
        problems: [{ index: null, field: 'after', rule: 'is not a valid cursor', value: cursor }],
      });
    }
  });

  const notIds: Array<[string, Array<string | number>]> = [
    ['a string that is not a uuid', ['not-a-uuid']],
    ['a number', [42]],
    ['an empty key', []],
  ];
  it.each(notIds)('decodeIdCursor refuses %s (a uuid cast would fail in PostgreSQL)', (_name, parts) => {
    expect(domainError(() => decodeIdCursor(encodeCursor(parts))).code).toBe('BAD_USER_INPUT');
  });

  const notPositions: Array<[string, Array<string | number>]> = [
    ['a negative number', [-1]],
    ['a fraction', [1.5]],
    ['a non-numeric string', ['abc']],
    ['an unsafe integer', [Number.MAX_SAFE_INTEGER + 2]],
    ['an empty key', []],
  ];
  it.each(notPositions)('decodeNumberCursor refuses %s', (_name, parts) => {
    expect(domainError(() => decodeNumberCursor(encodeCursor(parts))).code).toBe('BAD_USER_INPUT');
  });
});

describe('toConnection', () => {
  const rows = [1, 2, 3, 4].map((n) => ({ n }));
  const cursorOf = (row: { n: number }) => encodeCursor([row.n]);
  const toNode = (row: { n: number }) => ({ value: row.n * 10 });

  it('size + 1 rows: a full page, and the extra row only says a next page exists', () => {
    const connection = toConnection(rows, 3, 99, cursorOf, toNode);
    expect(connection.edges).toEqual([1, 2, 3].map((n) => ({ cursor: encodeCursor([n]), node: { value: n * 10 } })));
    expect(connection.pageInfo).toEqual({ hasNextPage: true, endCursor: encodeCursor([3]) });
    expect(connection.totalCount).toBe(99);
  });

  it('size rows or fewer: the last page', () => {
    expect(toConnection(rows, 4, 4, cursorOf, toNode).pageInfo).toEqual({ hasNextPage: false, endCursor: encodeCursor([4]) });
    expect(toConnection(rows.slice(0, 2), 4, 2, cursorOf, toNode).edges).toHaveLength(2);
  });

  it('no rows: no edges and a null endCursor', () => {
    expect(toConnection([], 5, 0, cursorOf, toNode)).toEqual({
      edges: [],
      totalCount: 0,
      pageInfo: { hasNextPage: false, endCursor: null },
    });
  });
});

describe('newestFirstPage', () => {
  it('first page: no condition, no parameters, one row more than the page size', () => {
    expect(newestFirstPage(SPEC, 10, null, 3)).toEqual({ condition: '', params: [], limit: 11 });
    expect(newestFirstPage(SPEC, undefined, undefined, 1)).toEqual({ condition: '', params: [], limit: 51 });
    expect(newestFirstPage(SPEC, undefined, '', 1, 20).limit).toBe(21);
  });

  it('after a cursor: a (time, id) keyset condition on the placeholder it is given, with the id as its parameter', () => {
    const page = newestFirstPage(SPEC, 2, encodeCursor([ID]), 3);
    expect(page).toEqual({
      condition: '(a.created_at, a.id) < ((SELECT created_at FROM alerts WHERE id = $3), $3)',
      params: [ID],
      limit: 3,
    });
  });

  it('uses the table, alias and time column of its spec', () => {
    const page = newestFirstPage({ table: 'batches', alias: 'b', timeColumn: 'received_at' }, 5, encodeCursor([ID]), 1);
    expect(page.condition).toBe('(b.received_at, b.id) < ((SELECT received_at FROM batches WHERE id = $1), $1)');
  });

  it('refuses a bad page size or a forged cursor before any SQL is built', () => {
    expect(domainError(() => newestFirstPage(SPEC, 0, null, 1)).details).toEqual({ field: 'first' });
    expect(domainError(() => newestFirstPage(SPEC, 5, encodeCursor(['not-a-uuid']), 1)).details).toMatchObject({ field: 'after' });
  });
});
