import { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import { Logger } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import { complexityError } from './complexity-limit';
import { operationShapeError } from './operation-limits';

/**
 * One structured log line per GraphQL request (operation, duration, batch size, error codes),
 * and the limits applied once the operation is known, before any resolver runs: no
 * subscriptions over HTTP, one field per mutation, root-field count, query cost. Query work
 * stops when the client disconnects.
 */
export function requestPlugin(maxComplexity: number, maxRootFields: number): ApolloServerPlugin {
  const logger = new Logger('Request');
  return {
    async requestDidStart(start: GraphQLRequestContext<object>) {
      const started = process.hrtime.bigint();
      const variables = start.request.variables as { input?: { records?: unknown[] } } | undefined;
      const batchSize = Array.isArray(variables?.input?.records) ? variables.input.records.length : undefined;
      return {
        async didResolveOperation(context) {
          if (!context.operation) return;
          if (context.operation.operation === 'subscription') {
            throw new GraphQLError('Subscriptions are served over graphql-ws at /graphql, not over HTTP POST', {
              extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
            });
          }
          const shape = operationShapeError(context.document, context.operation, maxRootFields);
          if (shape) throw shape;
          // Cost comes from `first`-sized list fields in queries. Mutations take one bounded
          // `input` (MAX_BATCH_SIZE, body limit) and are not costed: computing the cost coerces
          // the variables again, which for a 50,000-record batch doubles GraphQL's own work.
          if (context.operation?.operation === 'mutation') return;
          const error = complexityError(context.schema, context.document, context.operationName, context.request.variables, maxComplexity);
          if (error) throw error;
        },
        async executionDidStart(context) {
          // A query whose client went away stops resolving: every field not yet started (list
          // items' nested resolvers, each a SQL round trip) fails fast instead of running for
          // nobody. Mutations run to COMMIT or rollback; they are one field per request anyway.
          if (context.operation.operation !== 'query') return;
          const socket = (context.contextValue as { req?: { socket?: { destroyed?: boolean } } }).req?.socket;
          if (!socket) return;
          return {
            willResolveField() {
              if (socket.destroyed) throw new GraphQLError('The client disconnected', { extensions: { code: 'CLIENT_CLOSED_REQUEST' } });
            },
          };
        },
        async willSendResponse(context) {
          const body = context.response.body;
          const errors = body.kind === 'single' ? body.singleResult.errors : undefined;
          logger.log({
            msg: 'graphql request',
            operation: context.operationName ?? context.operation?.operation ?? null,
            durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100,
            batchSize,
            errors: errors?.map((e) => e.extensions?.code ?? 'ERROR'),
          });
        },
      };
    },
  };
}
