import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { jsonTextOf } from '../common/validation/customer-id';
import { AuditFreeText, AuditLogRepository } from './audit-log.repository';
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

  /**
   * For a customer erasure (src/privacy), in its transaction: the rows whose target, summary or
   * request id contain the text, locked until COMMIT. Summaries never hold customer ids by
   * design; caller-chosen ids (batch keys, request ids) may embed one.
   */
  rowsMentioning(manager: EntityManager, text: string): Promise<AuditFreeText[]> {
    return this.auditLog.mentioning(manager, text, jsonTextOf(text));
  }

  /** Stores the redacted free-form parts of rows from rowsMentioning; who did what, when and the outcome cannot change. */
  redact(manager: EntityManager, erasureId: string, rows: ReadonlyArray<AuditFreeText>): Promise<void> {
    return this.auditLog.rewriteFreeText(manager, erasureId, rows);
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
