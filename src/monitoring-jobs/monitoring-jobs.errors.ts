import { DomainError } from '../common/errors/domain-error';

export class UnknownWindowError extends DomainError {
  constructor(window: string, known: string[]) {
    super('BAD_USER_INPUT', `window: '${window}' is not a configured window (${known.join(', ') || 'none configured'})`, {
      problems: [{ index: null, field: 'window', rule: `one of ${known.join(', ')}`, value: window }],
    });
  }
}
