import { DomainError } from '../common/errors/domain-error';

export class PerformanceInputError extends DomainError {
  constructor(field: string, rule: string, value?: unknown) {
    super('BAD_USER_INPUT', `${field}: ${rule}`, { problems: [{ index: null, field, rule, value }] });
  }
}

export class HistoryRangeTooLargeError extends DomainError {
  constructor(rows: number, limit: number) {
    super('BAD_USER_INPUT', `the range holds more than ${limit} prediction rows (${rows}+); narrow from/to`, { limit });
  }
}
