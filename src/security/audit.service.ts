import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditLogRepository } from './audit-log.repository';
import { Caller } from './caller';
import { Principal } from './principal';

export interface AuditEntry {
  action: string;
  /** Ids of what the call changed (batch id, alert id, model version, key id). */
  target?: Record<string, unknown>;
  /** A short description of the input: counts, flags, ids. Never personal data (customer ids, feature values). */
  summary?: Record<string, unknown>;
  outcome?: string;
}

/** Writes the audit trail: in the change's own transaction, or alone for refused and failed calls. */
@Injectable()
export class AuditService {
  private readonly logger = new Logger('Audit');

  constructor(
    private readonly dataSource: DataSource,
    private readonly auditLog: AuditLogRepository,
  ) {}

  /** In the caller's transaction: the audit row commits or rolls back with the change. */
  async record(manager: EntityManager, caller: Caller, entry: AuditEntry): Promise<void> {
    await this.auditLog.insert(manager, this.row(caller.principal, caller.requestId, entry));
    caller.audited = true;
  }

  /**
   * A row of its own, for calls that changed nothing: refused (401/403) or failed ones. A failure
   * to write it is logged, never turned into the caller's error.
   */
  async recordAlone(principal: Principal | null, requestId: string | null, entry: AuditEntry): Promise<void> {
    try {
      await this.auditLog.insert(this.dataSource.manager, this.row(principal, requestId, entry));
    } catch (error) {
      this.logger.error({ msg: 'audit row not written', action: entry.action, outcome: entry.outcome, error: (error as Error).message });
    }
  }

  private row(principal: Principal | null, requestId: string | null, entry: AuditEntry) {
    return {
      principal: principal?.name ?? 'anonymous',
      principalId: principal?.id ?? null,
      role: principal?.role ?? null,
      action: entry.action,
      target: entry.target ?? {},
      summary: entry.summary ?? {},
      outcome: entry.outcome ?? 'OK',
      requestId,
    };
  }
}
