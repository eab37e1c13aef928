import { DomainError } from '../common/errors/domain-error';

/** No credentials, or credentials that are unknown, revoked, expired or malformed. */
export class UnauthenticatedError extends DomainError {
  constructor(message = 'Authentication required: send Authorization: Bearer <API key or OIDC token>') {
    super('UNAUTHENTICATED', message);
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
