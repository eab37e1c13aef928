import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Request } from 'express';
import type { GraphQLResolveInfo } from 'graphql';
import { DomainError } from '../common/errors/domain-error';
import { AppConfig } from '../config/app-config';
import { AuditService } from './audit.service';
import { AuthenticationService } from './authentication.service';
import { Caller } from './caller';
import { Principal } from './principal';
import { TokenBuckets } from './rate-limiter';
import { allowedRoles } from './role-matrix';
import { CallerHolder, PUBLIC_ROUTE, ROUTE_OPERATION } from './security.decorators';
import { CredentialCheckFailedError, PermissionDeniedError, RateLimitedError, UnauthenticatedError } from './security.errors';

/** What the guard needs to know about one call, whatever the transport. */
interface Call {
  operation: string;
  /** One object per request (HTTP) or per operation (graphql-ws): the caller is resolved once for it. */
  holder: CallerHolder & object;
  authorization: string | string[] | undefined;
  /** Set when the transport authenticated already (graphql-ws connection_init). */
  principal: Principal | undefined;
  address: string;
  requestId: string | null;
}

interface CallState {
  caller: Promise<Caller>;
  refusalAudited: boolean;
}

/** Shape of the GraphQL context built in graphql-options.ts (HTTP: req; websocket: extra). */
interface GraphqlContext extends CallerHolder {
  req?: Request & { requestId?: string };
  extra?: { principal?: Principal; request?: { socket?: { remoteAddress?: string } }; connectionId?: string };
  requestId?: string;
}

/**
 * The one place permissions are enforced: authenticates the caller, applies its rate limit and
 * checks the role matrix for every GraphQL root field and every non-public HTTP route. Refusals
 * are audited (once per request) and nothing runs behind them. Operations missing from the matrix
 * are refused: a new resolver is closed until the matrix names who may call it.
 */
@Injectable()
export class RoleGuard implements CanActivate {
  private readonly logger = new Logger('RoleGuard');
  private readonly states = new WeakMap<object, CallState>();
  private readonly buckets: TokenBuckets;

  constructor(
    private readonly reflector: Reflector,
    private readonly authentication: AuthenticationService,
    private readonly audit: AuditService,
    config: AppConfig,
  ) {
    this.buckets = new TokenBuckets(config.security.rateLimits);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const call = this.describe(context);
    if (!call) return true;
    const state = this.stateFor(call);
    let caller: Caller;
    try {
      caller = await state.caller;
    } catch (error) {
      if (error instanceof DomainError && error.code === 'RATE_LIMITED') throw error;
      // Nothing was refused, and the audit write would meet the same outage.
      if (error instanceof CredentialCheckFailedError) throw error;
      await this.auditRefusal(state, call, null, error as DomainError);
      throw error;
    }
    const allowed = allowedRoles(call.operation);
    if (!allowed) this.logger.error({ msg: 'operation missing from the role matrix; refused', operation: call.operation });
    if (!allowed || !allowed.includes(caller.principal.role)) {
      const refusal = new PermissionDeniedError(call.operation, caller.principal.role, allowed ?? []);
      await this.auditRefusal(state, call, caller.principal, refusal);
      throw refusal;
    }
    call.holder.caller = caller;
    return true;
  }

  private stateFor(call: Call): CallState {
    let state = this.states.get(call.holder);
    if (!state) {
      state = { caller: this.resolveCaller(call), refusalAudited: false };
      // Several root fields of one request share the state: silence the rejection of the shared
      // promise until each awaits it.
      state.caller.catch(() => undefined);
      this.states.set(call.holder, state);
    }
    return state;
  }

  private async resolveCaller(call: Call): Promise<Caller> {
    let principal: Principal;
    try {
      principal = call.principal ?? (await this.authentication.authenticate(call.authorization));
    } catch (error) {
      if (!(error instanceof DomainError)) {
        // An outage while checking (the key lookup failed), not a bad credential: a client told
        // UNAUTHENTICATED would rotate a good key; it is told to retry, and spends no bucket.
        this.logger.error({ msg: 'credential check failed', operation: call.operation, error: (error as Error).message });
        throw new CredentialCheckFailedError();
      }
      // Failed credentials spend the caller's address bucket, so guessing keys is slow too.
      const wait = this.buckets.take(`address:${call.address}`, 'anonymous');
      if (wait > 0) throw new RateLimitedError(wait);
      throw error instanceof UnauthenticatedError ? error : new UnauthenticatedError();
    }
    if (principal.expiresAt && principal.expiresAt.getTime() <= Date.now()) throw new UnauthenticatedError('Credential expired');
    const wait = this.buckets.take(principal.id, principal.role);
    if (wait > 0) throw new RateLimitedError(wait);
    return { principal, requestId: call.requestId, audited: false };
  }

  private async auditRefusal(state: CallState, call: Call, principal: Principal | null, error: DomainError): Promise<void> {
    if (state.refusalAudited) return;
    state.refusalAudited = true;
    await this.audit.recordAlone(principal, call.requestId, {
      action: call.operation,
      outcome: error.code,
      summary: { reason: error.message.slice(0, 200), address: call.address },
    });
  }

  private describe(context: ExecutionContext): Call | null {
    if (context.getType<string>() === 'graphql') {
      const gql = GqlExecutionContext.create(context);
      const info = gql.getInfo<GraphQLResolveInfo>();
      // Only root fields are operations; nested field resolvers inherit the root's decision.
      if (info.path.prev !== undefined) return null;
      const ctx = gql.getContext<GraphqlContext>();
      return {
        operation: `${info.parentType.name}.${info.fieldName}`,
        holder: ctx,
        authorization: ctx.req?.headers.authorization,
        principal: ctx.extra?.principal,
        address: ctx.req?.ip ?? ctx.extra?.request?.socket?.remoteAddress ?? 'unknown',
        requestId: ctx.req?.requestId ?? ctx.requestId ?? null,
      };
    }
    if (context.getType() !== 'http') return null;
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [context.getHandler(), context.getClass()])) return null;
    const req = context.switchToHttp().getRequest<Request & CallerHolder & { requestId?: string }>();
    return {
      operation: this.reflector.get<string>(ROUTE_OPERATION, context.getHandler()) ?? `${req.method} ${req.route?.path ?? req.path}`,
      holder: req,
      authorization: req.headers.authorization,
      principal: undefined,
      address: req.ip ?? 'unknown',
      requestId: req.requestId ?? null,
    };
  }
}
