import { createHash, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../common/errors/domain-error';

/** /metrics without the scrape credential (METRICS_TOKEN) or with a wrong one. */
export class MetricsUnauthorizedError extends DomainError {
  constructor() {
    super('UNAUTHENTICATED', 'Metrics scrape credential required: send Authorization: Bearer <METRICS_TOKEN>');
  }
}

/**
 * Whether a scrape may read /metrics: always when no token is configured (development; production
 * refuses to start that way), otherwise only with `Authorization: Bearer <token>`. Both sides are
 * hashed to equal-length digests first, so the comparison takes the same time whatever the
 * presented value's length or content.
 */
export function scrapeAllowed(token: string | null, authorization: string | string[] | undefined): boolean {
  if (token === null) return true;
  const header = Array.isArray(authorization) ? authorization[0] : authorization;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  const presented = createHash('sha256')
    .update(match ? match[1] : '')
    .digest();
  const expected = createHash('sha256').update(token).digest();
  return timingSafeEqual(presented, expected) && match !== null;
}
