import { Principal } from './principal';

/**
 * The principal behind one operation plus what the audit trail needs: the request id, and
 * whether the operation's service already wrote its audit row (in its own transaction).
 */
export interface Caller {
  principal: Principal;
  requestId: string | null;
  /** Set by AuditService.record; the audit interceptor writes a row itself if a mutation left it unset. */
  audited: boolean;
}

/** A caller for work the service starts itself (scheduled jobs, start-up seeding, the CLI). */
export function systemCaller(name = 'system'): Caller {
  return {
    principal: { id: `system:${name}`, name, role: 'admin', kind: 'api-key', keyId: null, expiresAt: null },
    requestId: null,
    audited: false,
  };
}
