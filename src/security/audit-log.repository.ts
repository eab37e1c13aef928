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

const COLUMNS = `id::text AS id, occurred_at AS "occurredAt", principal, principal_id AS "principalId", role, action, target, summary, outcome, request_id AS "requestId"`;

/** The only SQL on audit_log (append-only: insert and read). Plain class, so the CLI uses it too. */
export class AuditLogRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts in the caller's transaction, so the audit row commits or rolls back with the change. */
  async insert(manager: EntityManager, record: AuditRecord): Promise<void> {
    await manager.query(
      `INSERT INTO audit_log (principal, principal_id, role, action, target, summary, outcome, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [record.principal, record.principalId, record.role, record.action, record.target, record.summary, record.outcome, record.requestId],
    );
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
