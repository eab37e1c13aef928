import { DomainError, ForbiddenError, NotFoundError } from '../common/errors/domain-error';

export class BaselinePathForbiddenError extends ForbiddenError {
  constructor(path: string, allowedDir: string) {
    super(`path: '${path}' is outside the allowed data folder '${allowedDir}' (BASELINE_DATA_DIR)`, { field: 'path' });
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
