import { randomBytes } from 'node:crypto';
import { systemCaller } from '../../src/security/caller';
import type { Role } from '../../src/security/roles';
import { openSecurityStore } from '../../src/security/security-store';

export interface IssuedKey {
  id: string;
  name: string;
  role: Role;
  key: string;
  /** `{ authorization: 'Bearer …' }`, for fetch headers and graphql-ws connection params. */
  headers: { authorization: string };
}

export function uniqueKeyName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/**
 * Creates API keys straight in a database, as an administrator would with `npm run cli -- keys
 * create` (the same code path), for tests whose service runs in another process.
 */
export async function issueKeys(
  database: string | Record<string, string>,
  specs: Array<{ role: Role; name?: string; expiresAt?: Date | null }>,
): Promise<IssuedKey[]> {
  // A URL, or the environment of a service on embedded PostgreSQL (EMBEDDED_PG_DIR/PORT).
  // An empty DATABASE_URL overrides one in the test environment, so the embedded server is used.
  const store = await openSecurityStore(typeof database === 'string' ? { DATABASE_URL: database } : { DATABASE_URL: '', ...database });
  try {
    const issued: IssuedKey[] = [];
    for (const spec of specs) {
      const created = await store.keys.create(systemCaller('test-setup'), {
        name: spec.name ?? uniqueKeyName(spec.role),
        role: spec.role,
        expiresAt: spec.expiresAt ?? null,
      });
      issued.push(asIssued(created.row, created.key));
    }
    return issued;
  } finally {
    await store.close();
  }
}

export function asIssued(row: { id: string; name: string; role: Role }, key: string): IssuedKey {
  return { id: row.id, name: row.name, role: row.role, key, headers: { authorization: `Bearer ${key}` } };
}
