import { ConflictError, DomainError } from '../common/errors/domain-error';

export class BatchConflictError extends ConflictError {
  constructor(batchId: string) {
    super(`batchId '${batchId}' was already ingested with a different payload`, { batchId });
  }
}

export class ModelVersionMismatchError extends DomainError {
  constructor(requested: string, active: string) {
    super('BAD_USER_INPUT', `modelVersion: '${requested}' is not the active model version ('${active}')`, {
      problems: [{ index: null, field: 'modelVersion', rule: `must be the active model version '${active}'`, value: requested }],
    });
  }
}
