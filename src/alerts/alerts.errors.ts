import { DomainError } from '../common/errors/domain-error';
import { AlertStatus } from './models/alert-enums';

export class InvalidAlertTransitionError extends DomainError {
  constructor(id: string, current: AlertStatus, requested: AlertStatus) {
    super('BAD_USER_INPUT', `Alert '${id}' is ${current}; it cannot move to ${requested}`, {
      alertId: id,
      currentStatus: current,
      requestedStatus: requested,
    });
  }
}

export class AlertInputError extends DomainError {
  constructor(field: string, rule: string) {
    super('BAD_USER_INPUT', `${field}: ${rule}`, { problems: [{ index: null, field, rule }] });
  }
}
