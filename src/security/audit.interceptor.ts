import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { catchError, from, mergeMap, Observable, tap, throwError } from 'rxjs';
import { DomainError, InputProblem, InputValidationError } from '../common/errors/domain-error';
import { AuditService } from './audit.service';
import { CallerHolder } from './security.decorators';

/**
 * Completes the audit trail for mutations: a service writes the success row in its own
 * transaction (AuditService.record); a call that fails (bad input, conflict, not found) rolled
 * that back, so the failure is recorded here on its own. A mutation that succeeded without an
 * audit row is a bug: it is logged and recorded here rather than lost.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Audit');

  constructor(private readonly audit: AuditService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType<string>() !== 'graphql') return next.handle();
    const gql = GqlExecutionContext.create(context);
    const info = gql.getInfo<GraphQLResolveInfo>();
    if (info.path.prev !== undefined || info.parentType.name !== 'Mutation') return next.handle();
    const caller = gql.getContext<CallerHolder>().caller;
    if (!caller) return next.handle();
    const action = `Mutation.${info.fieldName}`;
    return next.handle().pipe(
      tap(() => {
        if (caller.audited) return;
        this.logger.error({ msg: 'mutation wrote no audit row in its transaction', action });
        void this.audit.recordAlone(caller.principal, caller.requestId, { action, summary: { unaudited: true } });
      }),
      catchError((error: unknown) => {
        const outcome = error instanceof DomainError ? error.code : 'INTERNAL_SERVER_ERROR';
        return from(this.audit.recordAlone(caller.principal, caller.requestId, { action, outcome, summary: failureSummary(error) })).pipe(
          mergeMap(() => throwError(() => error)),
        );
      }),
    );
  }
}

/**
 * What a failure's audit row says: for bad input the number of problems and the fields named
 * (never the values, which may be personal data); otherwise the error message.
 */
function failureSummary(error: unknown): Record<string, unknown> {
  if (error instanceof InputValidationError) {
    const problems = (error.details.problems as InputProblem[]) ?? [];
    return { problems: error.details.totalProblems, fields: [...new Set(problems.map((p) => p.field))].slice(0, 10) };
  }
  return { error: error instanceof DomainError ? error.message.slice(0, 200) : 'internal error' };
}
