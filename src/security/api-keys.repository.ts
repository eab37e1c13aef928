import { DataSource, EntityManager } from 'typeorm';
import { Role } from './roles';

/** An api_keys row as the service reads it. */
export interface ApiKeyRow {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  secretHash: string;
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

const COLUMNS = `id, name, role, prefix, secret_hash AS "secretHash", created_by AS "createdBy", created_at AS "createdAt",
  last_used_at AS "lastUsedAt", expires_at AS "expiresAt", revoked_at AS "revokedAt"`;

/** The only SQL on api_keys. Plain class (no Nest), so the CLI uses it too. */
export class ApiKeysRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(
    manager: EntityManager,
    row: { name: string; role: Role; prefix: string; secretHash: string; createdBy: string | null; expiresAt: Date | null },
  ): Promise<ApiKeyRow> {
    const [created] = await manager.query(
      `INSERT INTO api_keys (name, role, prefix, secret_hash, created_by, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [row.name, row.role, row.prefix, row.secretHash, row.createdBy, row.expiresAt],
    );
    return created as ApiKeyRow;
  }

  async hasLiveName(manager: EntityManager, name: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(`SELECT 1 FROM api_keys WHERE name = $1 AND revoked_at IS NULL`, [name]);
    return rows.length > 0;
  }

  async findByPrefix(prefix: string): Promise<ApiKeyRow | null> {
    const rows: ApiKeyRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM api_keys WHERE prefix = $1`, [prefix]);
    return rows[0] ?? null;
  }

  async findById(manager: EntityManager, id: string): Promise<ApiKeyRow | null> {
    const rows: ApiKeyRow[] = await manager.query(`SELECT ${COLUMNS} FROM api_keys WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** Newest first, keyset by (created_at, id). */
  async list(limit: number, before: { createdAt: string; id: string } | null): Promise<ApiKeyRow[]> {
    const params: unknown[] = [limit];
    let where = '';
    if (before) {
      params.push(before.createdAt, before.id);
      where = `WHERE (created_at, id) < ($2::timestamptz, $3::uuid)`;
    }
    return this.dataSource.query(`SELECT ${COLUMNS} FROM api_keys ${where} ORDER BY created_at DESC, id DESC LIMIT $1`, params);
  }

  async count(): Promise<number> {
    const [row] = await this.dataSource.query(`SELECT count(*)::int AS n FROM api_keys`);
    return row.n as number;
  }

  /** Revokes a key (idempotent: an already revoked key keeps its first revocation time). */
  async revoke(manager: EntityManager, id: string): Promise<ApiKeyRow | null> {
    // UPDATE ... RETURNING inside a CTE: TypeORM returns [rows, count] for a bare UPDATE.
    const rows: ApiKeyRow[] = await manager.query(
      `WITH u AS (UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING *) SELECT ${COLUMNS} FROM u`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Revokes every live key with one of these names (the demo replaces its own keys on each start). */
  async revokeByNames(manager: EntityManager, names: string[]): Promise<number> {
    const rows: unknown[] = await manager.query(
      `WITH u AS (UPDATE api_keys SET revoked_at = now() WHERE name = ANY($1) AND revoked_at IS NULL RETURNING id) SELECT id FROM u`,
      [names],
    );
    return rows.length;
  }

  /** Records use, at most once a minute per key, so authentication does not write on every request. */
  async touch(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [id],
    );
  }

  /** Of the given key ids, those that are revoked, expired or gone (for closing their open sockets). */
  async unusable(ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT given.id FROM unnest($1::uuid[]) AS given(id)
       LEFT JOIN api_keys k ON k.id = given.id
       WHERE k.id IS NULL OR k.revoked_at IS NOT NULL OR (k.expires_at IS NOT NULL AND k.expires_at <= now())`,
      [ids],
    );
    return rows.map((row) => row.id);
  }

  /** Keys that can still authenticate (production refuses to start without one, unless OIDC is configured). */
  async countUsable(): Promise<number> {
    const [row] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM api_keys WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
    );
    return row.n as number;
  }
}
