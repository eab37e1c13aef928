/** Error codes the API promises in `extensions.code`. */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  | 'PAYLOAD_TOO_LARGE'
  | 'RATE_LIMITED'
  /** CPU-heavy work refused before it started (a full worker queue); the same request may be retried. */
  | 'SERVICE_BUSY'
  | 'INTERNAL_SERVER_ERROR';

/**
 * Base of every module's typed errors. Resolvers never catch: the global filter turns these into
 * GraphQL errors with the code and details in `extensions`.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, id: string) {
    super('NOT_FOUND', `${what} '${id}' not found`, { [what.toLowerCase().replace(/\s+/g, '')]: id });
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('CONFLICT', message, details);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('FORBIDDEN', message, details);
  }
}

/** One rule broken by one field (record index is null for batch-level problems). */
export interface InputProblem {
  index: number | null;
  field: string;
  rule: string;
  value?: unknown;
}

export const MAX_REPORTED_PROBLEMS = 100;

export class InputValidationError extends DomainError {
  constructor(problems: InputProblem[], totalProblems = problems.length) {
    const shown = problems.slice(0, MAX_REPORTED_PROBLEMS);
    const summary = shown
      .slice(0, 5)
      .map((p) => (p.index === null ? `${p.field}: ${p.rule}` : `records[${p.index}].${p.field}: ${p.rule}`))
      .join('; ');
    const more = totalProblems > 5 ? ` (and ${totalProblems - 5} more)` : '';
    super('BAD_USER_INPUT', `Invalid input: ${summary}${more}`, {
      problems: shown,
      totalProblems,
      truncated: totalProblems > shown.length,
    });
  }
}
