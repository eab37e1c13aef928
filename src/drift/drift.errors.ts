import { DomainError } from '../common/errors/domain-error';

/** A drift query argument outside its rule; names the field like the other modules' input errors. */
export class DriftInputError extends DomainError {
  constructor(field: string, rule: string) {
    super('BAD_USER_INPUT', `${field}: ${rule}`, { problems: [{ index: null, field, rule }] });
  }
}
