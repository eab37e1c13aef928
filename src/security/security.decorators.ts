import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { Caller } from './caller';

export const PUBLIC_ROUTE = 'security:public';
export const ROUTE_OPERATION = 'security:operation';

/** An HTTP route anyone may call (health for load balancers, the dashboard's page shell). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);

/** The role-matrix entry that guards an HTTP route, e.g. 'GET /reports/:id'. */
export const GuardedBy = (operation: string): MethodDecorator => SetMetadata(ROUTE_OPERATION, operation);

/** Where RoleGuard leaves the authenticated caller: the GraphQL context, or the HTTP request. */
export interface CallerHolder {
  caller?: Caller;
}

export function callerOf(context: ExecutionContext): Caller {
  const holder: CallerHolder =
    context.getType<string>() === 'graphql'
      ? GqlExecutionContext.create(context).getContext<CallerHolder>()
      : context.switchToHttp().getRequest<CallerHolder>();
  if (!holder.caller) throw new Error('No authenticated caller: RoleGuard did not run for this handler');
  return holder.caller;
}

/** The authenticated caller of this operation (set by RoleGuard), for services that audit or attribute. */
export const CurrentCaller = createParamDecorator((_data: unknown, context: ExecutionContext): Caller => callerOf(context));
