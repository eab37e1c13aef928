import { Type } from '@nestjs/common';
import { Field, Int, ObjectType } from '@nestjs/graphql';
import { DomainError } from '../errors/domain-error';

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage: boolean;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  totalCount: number;
}

/** Builds the GraphQL connection type for a node type: `edges { cursor node } pageInfo totalCount`. */
export function ConnectionType<T>(nodeType: Type<T>, name: string): Type<Connection<T>> {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field()
    cursor: string;

    @Field(() => nodeType)
    node: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionClass {
    @Field(() => [EdgeType])
    edges: EdgeType[];

    @Field(() => PageInfo)
    pageInfo: PageInfo;

    @Field(() => Int)
    totalCount: number;
  }
  return ConnectionClass as Type<Connection<T>>;
}

export const MAX_PAGE_SIZE = 500;

/**
 * Keyset cursors: opaque base64url of a JSON array holding the last row's sort key, as its list
 * chooses it. Lists paged with `newestFirstPage` hold only the row id (`decodeIdCursor`; the
 * row's timestamp is read back from the table at full precision); lists ordered by a number hold
 * that number (`decodeNumberCursor`: a row index or an event id). Pages stay stable while new
 * rows arrive.
 */
export function encodeCursor(parts: Array<string | number>): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function invalidCursor(cursor: string): DomainError {
  return new DomainError('BAD_USER_INPUT', `after: '${cursor}' is not a valid cursor`, {
    field: 'after',
    problems: [{ index: null, field: 'after', rule: 'is not a valid cursor', value: cursor }],
  });
}

export function decodeCursor(cursor: string): Array<string | number> {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.every((p) => typeof p === 'string' || typeof p === 'number')) {
      return parsed as Array<string | number>;
    }
  } catch {
    // fall through to the error below
  }
  throw invalidCursor(cursor);
}

/**
 * The row id inside a keyset cursor of a time-ordered list (`(created_at, id) < (cursor row)`).
 * Checked here so a forged cursor is BAD_USER_INPUT, not a uuid cast error from PostgreSQL.
 */
export function decodeIdCursor(cursor: string): string {
  const [id] = decodeCursor(cursor);
  if (typeof id !== 'string' || !UUID_PATTERN.test(id)) throw invalidCursor(cursor);
  return id;
}

/** A non-negative integer position inside a cursor (row index, event id). */
export function decodeNumberCursor(cursor: string): number {
  const value = Number(decodeCursor(cursor)[0]);
  if (!Number.isSafeInteger(value) || value < 0) throw invalidCursor(cursor);
  return value;
}

export function pageSize(first: number | null | undefined, defaultSize = 50): number {
  const size = first ?? defaultSize;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new DomainError('BAD_USER_INPUT', `first: must be an integer from 1 to ${MAX_PAGE_SIZE}`, { field: 'first' });
  }
  return size;
}

/**
 * Turns `size + 1` fetched rows into a connection: the extra row only tells whether a next page
 * exists.
 */
export function toConnection<Row, Node>(
  rows: Row[],
  size: number,
  totalCount: number,
  cursorOf: (row: Row) => string,
  toNode: (row: Row) => Node,
): Connection<Node> {
  const page = rows.slice(0, size);
  const edges = page.map((row) => ({ cursor: cursorOf(row), node: toNode(row) }));
  return {
    edges,
    totalCount,
    pageInfo: { hasNextPage: rows.length > size, endCursor: edges.length ? edges[edges.length - 1].cursor : null },
  };
}

/** One page's SQL for a keyset connection: a WHERE fragment (or '') and its parameters. */
export interface KeysetPage {
  /** `AND`-able condition, e.g. `(t.created_at, t.id) < ((SELECT created_at FROM <table> WHERE id = $3), $3)`; '' on the first page. */
  condition: string;
  params: unknown[];
  /** Rows to fetch: the page size plus one, which only tells whether a next page exists. */
  limit: number;
}

/**
 * The keyset for time-ordered lists, newest first by (time column, id): the cursor holds only
 * the row id, and the row's timestamp is read back at full (microsecond) precision, so pages stay
 * stable while new rows arrive. `firstParam` is the number of the first `$n` placeholder this
 * fragment may use (after the caller's own parameters). Repositories pass table and column names
 * as constants, never caller input.
 */
export function newestFirstPage(
  spec: { table: string; alias: string; timeColumn: string },
  first: number | null | undefined,
  after: string | null | undefined,
  firstParam: number,
  defaultSize = 50,
): KeysetPage {
  const limit = pageSize(first, defaultSize) + 1;
  if (!after) return { condition: '', params: [], limit };
  const id = decodeIdCursor(after);
  const n = `$${firstParam}`;
  return {
    condition: `(${spec.alias}.${spec.timeColumn}, ${spec.alias}.id) < ((SELECT ${spec.timeColumn} FROM ${spec.table} WHERE id = ${n}), ${n})`,
    params: [id],
    limit,
  };
}
