import { DomainError, ForbiddenError, NotFoundError } from '../common/errors/domain-error';

/**
 * A CSV path the caller may not read. The message says why without naming any server path
 * (neither the data folder nor a resolved path): the reason names only what the caller sent.
 */
export class BaselinePathForbiddenError extends ForbiddenError {
  constructor(reason: string) {
    super(`path: ${reason}`, { field: 'path' });
  }
}

export class BaselineNotFoundError extends NotFoundError {
  constructor(version: number) {
    super('Baseline version', String(version));
  }
}

export class NoActiveBaselineError extends DomainError {
  constructor() {
    super('NOT_FOUND', 'No baseline is active yet');
  }
}

export class BaselineSourceError extends DomainError {
  constructor(field: string, rule: string) {
    super('BAD_USER_INPUT', `${field}: ${rule}`, { problems: [{ index: null, field, rule }] });
  }
}
