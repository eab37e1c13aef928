import { ConflictError, DomainError, ForbiddenError, NotFoundError } from '../common/errors/domain-error';

export class ModelVersionNotFoundError extends NotFoundError {
  constructor(version: string) {
    super('Model version', version);
  }
}

export class ModelVersionNotPromotableError extends ConflictError {
  constructor(version: string, status: string, why: string) {
    super(`Model version '${version}' (${status}) cannot be promoted: ${why}`, { version, status });
  }
}

/** Model-risk governance (SR 11-7): a model is approved by someone other than its developer. */
export class FourEyesViolationError extends ForbiddenError {
  constructor(version: string, trainedBy: string) {
    super(
      `Model version '${version}' was trained by '${trainedBy}'; promotion needs an independent approver, a different principal with the model-admin or admin role (four-eyes rule)`,
      { version, trainedBy, rule: 'four-eyes' },
    );
  }
}

export class NoActiveModelError extends ConflictError {
  constructor() {
    super('No model version is ACTIVE yet');
  }
}

export class RetrainingInputError extends DomainError {
  constructor(field: string, rule: string, value?: unknown) {
    super('BAD_USER_INPUT', `${field}: ${rule}`, { problems: [{ index: null, field, rule, value }] });
  }
}

/** Too few labelled logs (or a single class) in the requested range to train and evaluate on. */
export class InsufficientTrainingDataError extends DomainError {
  constructor(message: string, details: Record<string, unknown>) {
    super('BAD_USER_INPUT', message, details);
  }
}
