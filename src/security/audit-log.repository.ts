import { DataSource, EntityManager } from 'typeorm';

export interface AuditRecord {
  principal: string;
  principalId: string | null;
  role: string | null;
  action: string;
  target: Record<string, unknown>;
  summary: Record<string, unknown>;
  /** 'OK', or the error code the call ended with (UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, ...). */
  outcome: string;
  requestId: string | null;
}

export interface AuditRow extends AuditRecord {
  id: string;
  occurredAt: Date;
}

export interface AuditFilter {
  principal?: string | null;
  action?: string | null;
  from?: Date | null;
  to?: Date | null;
}

/** The free-form parts of an audit row, which alone an erasure may rewrite (the trigger enforces it). */
export interface AuditFreeText {
  id: string;
  target: Record<string, unknown>;
  summary: Record<string, unknown>;
  requestId: string | null;
}

const COLUMNS = `id::text AS id, occurred_at AS "occurredAt", principal, principal_id AS "principalId", role, action, target, summary, outcome, request_id AS "requestId"`;

/**
 * The only SQL on audit_log (append-only: insert and read, plus the redaction a customer erasure
 * needs). Plain class, so the CLI uses it too.
 */
export class AuditLogRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts in the caller's transaction, so the audit row commits or rolls back with the change. */
  async insert(manager: EntityManager, record: AuditRecord): Promise<void> {
    await manager.query(
      `INSERT INTO audit_log (principal, principal_id, role, action, target, summary, outcome, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [record.principal, record.principalId, record.role, record.action, record.target, record.summary, record.outcome, record.requestId],
    );
  }

  /**
   * Rows whose target or summary (as JSON text) contain `jsonText`, or whose request id contains
   * `text`, locked until COMMIT. A full scan: erasures are rare, and no index serves a substring.
   */
  async mentioning(manager: EntityManager, text: string, jsonText: string): Promise<AuditFreeText[]> {
    return manager.query(
      `SELECT id::text AS id, target, summary, request_id AS "requestId" FROM audit_log
       WHERE strpos(target::text, $2) > 0 OR strpos(summary::text, $2) > 0 OR strpos(coalesce(request_id, ''), $1) > 0
       ORDER BY id FOR UPDATE`,
      [text, jsonText],
    );
  }

  /**
   * Rewrites the free-form parts of these rows, in the caller's transaction. The append-only
   * trigger lets an UPDATE through only while `credit_monitor.erasure_id` is set (and only if
   * who, what, when and the outcome stay the same); it is set for this statement alone.
   */
  async rewriteFreeText(manager: EntityManager, erasureId: string, rows: ReadonlyArray<AuditFreeText>): Promise<void> {
    if (!rows.length) return;
    await manager.query(`SELECT set_config('credit_monitor.erasure_id', $1, true)`, [erasureId]);
    await manager.query(
      `UPDATE audit_log a SET target = u.target, summary = u.summary, request_id = u.request_id
       FROM jsonb_to_recordset($1::jsonb) AS u(id bigint, target jsonb, summary jsonb, request_id text) WHERE a.id = u.id`,
      [JSON.stringify(rows.map((r) => ({ id: r.id, target: r.target, summary: r.summary, request_id: r.requestId })))],
    );
    await manager.query(`SELECT set_config('credit_monitor.erasure_id', '', true)`);
  }

  /** Newest first; `beforeId` is the keyset cursor (ids are monotonic). */
  async list(filter: AuditFilter, limit: number, beforeId: number | null): Promise<AuditRow[]> {
    const { where, params } = this.where(filter);
    if (beforeId !== null) {
      params.push(beforeId);
      where.push(`id < $${params.length}`);
    }
    params.push(limit);
    return this.dataSource.query(
      `SELECT ${COLUMNS} FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
  }

  async count(filter: AuditFilter): Promise<number> {
    const { where, params } = this.where(filter);
    const [row] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`,
      params,
    );
    return row.n as number;
  }

  private where(filter: AuditFilter): { where: string[]; params: unknown[] } {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown): void => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.principal) add('principal = ?', filter.principal);
    if (filter.action) add('action = ?', filter.action);
    if (filter.from) add('occurred_at >= ?', filter.from);
    if (filter.to) add('occurred_at < ?', filter.to);
    return { where, params };
  }
}
