import { DomainError } from '../common/errors/domain-error';

/** No credentials, or credentials that are unknown, revoked, expired or malformed. */
export class UnauthenticatedError extends DomainError {
  constructor(message = 'Authentication required: send Authorization: Bearer <API key or OIDC token>') {
    super('UNAUTHENTICATED', message);
  }
}

/**
 * The credential could not be checked (PostgreSQL unreachable, a query failing): an outage, not a
 * bad credential, so the caller is told to retry instead of being told its key is wrong.
 */
export class CredentialCheckFailedError extends DomainError {
  constructor() {
    super('INTERNAL_SERVER_ERROR', 'Credentials could not be checked right now (the service cannot reach its database); retry later');
  }
}

/** The principal's role does not grant the operation. */
export class PermissionDeniedError extends DomainError {
  constructor(operation: string, role: string, allowed: readonly string[]) {
    super('FORBIDDEN', `Role '${role}' may not call ${operation} (allowed: ${allowed.join(', ')})`, {
      operation,
      role,
      allowedRoles: [...allowed],
    });
  }
}

/** The principal's token bucket is empty. */
export class RateLimitedError extends DomainError {
  constructor(retryAfterSeconds: number) {
    super('RATE_LIMITED', `Rate limit exceeded; retry after ${retryAfterSeconds} s`, { retryAfter: retryAfterSeconds });
  }
}
