import { resolve } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, sqlClient } from '../support/database';
import { asIssued, uniqueKeyName } from '../support/keys';
import { CapturedRun, runCaptured } from '../support/process';
import { startTestService, TestService } from '../support/service';

jest.setTimeout(180_000);

const ROOT = resolve(__dirname, '..', '..');
const KEY_PATTERN = /^cmk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ROLE_RULE = 'role: must be one of ingest, viewer, operator, model-admin, admin';

type CliResult = CapturedRun;

/**
 * The real CLI in its own process, as an administrator runs it (`npm run cli -- keys ...`);
 * asynchronous, so the in-process service keeps answering meanwhile.
 */
function cli(databaseUrl: string, ...args: string[]): Promise<CliResult> {
  return runCaptured(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'error' },
  });
}

function json<T>(result: CliResult): T {
  if (result.code !== 0) throw new Error(`CLI exited with ${result.code}:\n${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

interface Created {
  id: string;
  name: string;
  role: string;
  key: string;
}

interface Listed {
  id: string;
  name: string;
  role: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

describe('keys CLI (real process, real PostgreSQL)', () => {
  let db: { url: string; drop(): Promise<void> };
  let sql: Client;

  // One database for the file; every test creates the keys it reads. The first CLI call
  // migrates the fresh database, as an administrator's first `keys list` would.
  beforeAll(async () => {
    db = await createTestDatabase();
    json<Listed[]>(await cli(db.url, 'keys', 'list'));
    sql = await sqlClient(db.url);
  });

  afterAll(async () => {
    await sql?.end();
    await db?.drop();
  });

  /** A new key made with `keys create`. */
  async function createKey(prefix = 'cli-viewer', role = 'viewer'): Promise<Created> {
    return json<Created>(await cli(db.url, 'keys', 'create', '--name', uniqueKeyName(prefix), '--role', role));
  }

  it('create prints exactly { id, name, role, key } with the key in its documented format', async () => {
    const name = uniqueKeyName('cli-viewer');
    const result = await cli(db.url, 'keys', 'create', '--name', name, '--role', 'viewer');
    const created = json<Created>(result);
    expect(Object.keys(created).sort()).toEqual(['id', 'key', 'name', 'role']);
    expect(created).toEqual({ id: expect.stringMatching(UUID), name, role: 'viewer', key: expect.stringMatching(KEY_PATTERN) });
    // stdout is that JSON and nothing else (the secret on stdout only, never on stderr).
    expect(result.stdout.trim().startsWith('{')).toBe(true);
    expect(result.stderr).not.toContain(created.key);
  });

  it('stores only a salted scrypt hash, and writes a keys.create audit row naming the CLI user', async () => {
    const created = await createKey();
    const secret = created.key.split('_').slice(2).join('_');
    const prefix = created.key.split('_')[1];
    const { rows } = await sql.query(`SELECT prefix, secret_hash, created_by FROM api_keys WHERE id = $1`, [created.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0].prefix).toBe(prefix);
    expect(rows[0].secret_hash).toMatch(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(rows[0].secret_hash).not.toContain(secret);
    expect(rows[0].secret_hash).not.toContain(Buffer.from(secret, 'base64url').toString('base64'));
    expect(rows[0].created_by).toMatch(/^cli:/);
    // The full key appears in no column of any row.
    const anywhere = await sql.query(`SELECT count(*)::int AS n FROM api_keys k WHERE k::text LIKE '%' || $1 || '%'`, [secret]);
    expect(anywhere.rows[0].n).toBe(0);

    const audit = await sql.query(
      `SELECT principal, principal_id, role, action, target, summary, outcome FROM audit_log WHERE action = 'keys.create' AND target->>'keyId' = $1`,
      [created.id],
    );
    expect(audit.rows).toHaveLength(1);
    const [row] = audit.rows;
    expect(row.principal).toMatch(/^cli:/);
    expect(row).toMatchObject({
      role: 'admin',
      outcome: 'OK',
      target: { keyId: created.id },
      summary: { name: created.name, role: 'viewer', expiresAt: null },
    });
    expect(JSON.stringify(row)).not.toContain(secret);
  });

  it('list prints every key as { id, name, role, createdAt, lastUsedAt, expiresAt, revokedAt } and no secret or hash', async () => {
    const created = await createKey();
    const expiresAt = new Date(Date.now() + 30 * 24 * 3_600_000);
    const second = json<Created>(
      await cli(db.url, 'keys', 'create', '--name', uniqueKeyName('cli-ingest'), '--role', 'ingest', '--expires', expiresAt.toISOString()),
    );
    const result = await cli(db.url, 'keys', 'list');
    const listed = json<Listed[]>(result);
    expect(Array.isArray(listed)).toBe(true);
    expect(listed.length).toBeGreaterThanOrEqual(2);
    for (const entry of listed) {
      expect(Object.keys(entry).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name', 'revokedAt', 'role']);
      expect(entry.id).toMatch(UUID);
      expect(entry.createdAt).toMatch(ISO_TIME);
    }
    // Newest first.
    expect(listed[0]).toEqual({
      id: second.id,
      name: second.name,
      role: 'ingest',
      createdAt: expect.stringMatching(ISO_TIME),
      lastUsedAt: null,
      expiresAt: expiresAt.toISOString(),
      revokedAt: null,
    });
    expect(listed.find((entry) => entry.id === created.id)).toEqual({
      id: created.id,
      name: created.name,
      role: 'viewer',
      createdAt: expect.stringMatching(ISO_TIME),
      lastUsedAt: null,
      expiresAt: null,
      revokedAt: null,
    });
    // Nothing secret anywhere in the output: no hash, no prefix-and-secret, no field naming them.
    for (const key of [created.key, second.key]) {
      expect(result.stdout).not.toContain(key);
      expect(result.stdout).not.toContain(key.split('_').slice(2).join('_'));
    }
    expect(result.stdout).not.toMatch(/scrypt|secret|hash/i);
  });

  it('refuses a bad role with a non-zero exit and a message naming the rule, and stores nothing', async () => {
    const before = (await sql.query(`SELECT count(*)::int AS n FROM api_keys`)).rows[0].n as number;
    const result = await cli(db.url, 'keys', 'create', '--name', uniqueKeyName('cli-bad'), '--role', 'superuser');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(ROLE_RULE);
    expect(result.stderr).not.toMatch(/\n\s+at /); // a message for the user, not a stack trace
    expect(result.stdout).toBe('');
    expect((await sql.query(`SELECT count(*)::int AS n FROM api_keys`)).rows[0].n).toBe(before);
  });

  it('refuses --expires in the past (and a time that is not one), storing nothing', async () => {
    const before = (await sql.query(`SELECT count(*)::int AS n FROM api_keys`)).rows[0].n as number;
    const [past, garbage] = await Promise.all([
      cli(db.url, 'keys', 'create', '--name', uniqueKeyName('cli-past'), '--role', 'viewer', '--expires', '2020-01-01T00:00:00Z'),
      cli(db.url, 'keys', 'create', '--name', uniqueKeyName('cli-garbage'), '--role', 'viewer', '--expires', 'next tuesday'),
    ]);
    expect(past.code).not.toBe(0);
    expect(past.stderr).toContain('expiresAt: must be a time in the future');
    expect(past.stdout).toBe('');
    expect(garbage.code).not.toBe(0);
    expect(garbage.stderr).toContain('--expires must be an ISO 8601 time');
    expect(garbage.stdout).toBe('');
    expect((await sql.query(`SELECT count(*)::int AS n FROM api_keys`)).rows[0].n).toBe(before);
  });

  it('refuses a second live key with the same name, a missing --role and a malformed --id', async () => {
    const created = await createKey();
    const [duplicate, missing, malformed, unknown] = await Promise.all([
      cli(db.url, 'keys', 'create', '--name', created.name, '--role', 'admin'),
      cli(db.url, 'keys', 'create', '--name', uniqueKeyName('cli-norole')),
      cli(db.url, 'keys', 'revoke', '--id', 'not-a-uuid'),
      cli(db.url, 'keys', 'revoke', '--id', '00000000-0000-4000-8000-000000000000'),
    ]);
    expect(duplicate.code).not.toBe(0);
    expect(duplicate.stderr).toContain('a live key with this name exists');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('--role is required');
    expect(malformed.code).not.toBe(0);
    expect(malformed.stderr).toContain('--id must be a key id (UUID)');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/not found/);
  });

  it('the created key works against a service on that database, and stops working once revoked', async () => {
    const created = await createKey();
    const service = await startTestService(db.url);
    try {
      await useAndRevoke(service, created);
    } finally {
      await service.close();
    }
  });

  async function useAndRevoke(service: TestService, created: Created): Promise<void> {
    const key = asIssued({ id: created.id, name: created.name, role: 'viewer' }, created.key);
    const me = await service.gql<{ me: { name: string; role: string; kind: string } }>(`{ me { name role kind } }`, undefined, key);
    expect(me.errors).toBeUndefined();
    expect(me.data!.me).toEqual({ name: created.name, role: 'viewer', kind: 'api-key' });

    const revoked = json<{ id: string; name: string; role: string; revokedAt: string }>(
      await cli(db.url, 'keys', 'revoke', '--id', created.id),
    );
    expect(revoked).toEqual({ id: created.id, name: created.name, role: 'viewer', revokedAt: expect.stringMatching(ISO_TIME) });

    const refused = await service.gql(`{ me { name } }`, undefined, key);
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(refused.data ?? null).toBeNull();

    const listed = json<Listed[]>(await cli(db.url, 'keys', 'list'));
    const entry = listed.find((candidate) => candidate.id === created.id)!;
    expect(entry.revokedAt).toBe(revoked.revokedAt);
    // Its use by the service was recorded.
    expect(entry.lastUsedAt).toMatch(ISO_TIME);

    // Revoking again keeps the first revocation time.
    const again = json<{ revokedAt: string }>(await cli(db.url, 'keys', 'revoke', '--id', created.id));
    expect(again.revokedAt).toBe(revoked.revokedAt);

    const audit = await sql.query(
      `SELECT principal, action, target FROM audit_log WHERE action = 'keys.revoke' AND target->>'keyId' = $1 ORDER BY id`,
      [created.id],
    );
    expect(audit.rows).toHaveLength(2);
    for (const row of audit.rows) {
      expect(row.principal).toMatch(/^cli:/);
      expect(row.target).toEqual({ keyId: created.id });
    }
    // Once revoked, the name is free for a new key.
    const replacement = json<Created>(await cli(db.url, 'keys', 'create', '--name', created.name, '--role', 'operator'));
    expect(replacement).toMatchObject({ name: created.name, role: 'operator' });
    const replacementMe = await service.gql<{ me: { role: string } }>(
      `{ me { role } }`,
      undefined,
      asIssued({ id: replacement.id, name: replacement.name, role: 'operator' }, replacement.key),
    );
    expect(replacementMe.data!.me.role).toBe('operator');
  }
});
