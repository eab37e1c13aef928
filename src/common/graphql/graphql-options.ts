import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriverConfig } from '@nestjs/apollo';
import type { GraphQLWsSubscriptionsConfig } from '@nestjs/graphql';
import { getOperationAST, GraphQLError, GraphQLSchema, OperationTypeNode, parse, specifiedRules, validate } from 'graphql';
import type { Context, SubscribePayload } from 'graphql-ws';
import { join } from 'node:path';
import { AppConfig } from '../../config/app-config';
import { complexityError } from './complexity-limit';
import { depthLimitRule } from './depth-limit.rule';
import { formatGraphqlError } from './format-error';
import { operationShapeError, withoutSuggestions } from './operation-limits';
import { requestPlugin } from './request-logging.plugin';

/** Limits for the websocket path, which bypasses Apollo's HTTP request pipeline. */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 20;

/**
 * Caps the size of every later message on a graphql-ws socket. Nest's GqlSubscriptionService
 * builds its own `ws` server (default maxPayload 100 MiB) and exposes no option for it, so the
 * limit is set on the socket's frame receiver, which checks the declared frame length before
 * buffering and closes with 1009 (message too big). `_receiver._maxPayload` is internal to ws 8;
 * if a future ws drops it, a public 'message' listener still closes oversized messages with 1009
 * (after buffering), so the limit never silently disappears. The connection_init message comes
 * before this hook; graphql-ws's connectionInitWaitTimeout (3 s) bounds that window.
 */
function capIncomingMessages(socket: unknown, maxBytes: number): void {
  const ws = socket as {
    _receiver?: { _maxPayload?: number };
    on?: (event: 'message', listener: (data: Buffer | ArrayBuffer | Buffer[]) => void) => void;
    close?: (code: number, reason: string) => void;
  };
  if (ws._receiver && typeof ws._receiver._maxPayload === 'number') {
    ws._receiver._maxPayload = maxBytes;
    return;
  }
  ws.on?.('message', (data) => {
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data instanceof ArrayBuffer ? data.byteLength : data.length;
    if (size > maxBytes) ws.close?.(1009, 'Message too big');
  });
}

/**
 * The websocket admission hooks, implemented by the security module (GraphqlWsSecurity): the
 * common layer only knows that a connection must be accepted and released.
 */
export interface WsAdmission {
  onConnect(ctx: Context<Record<string, unknown> | undefined, never>): Promise<boolean>;
  onDisconnect(ctx: Context<Record<string, unknown> | undefined, never>): void;
}

export function graphqlOptions(config: AppConfig, ws: WsAdmission): ApolloDriverConfig {
  let schema: GraphQLSchema | undefined;
  const parseOptions = { maxTokens: config.graphql.maxTokens };
  const clean = (errors: readonly GraphQLError[]): GraphQLError[] =>
    config.isProduction ? errors.map((e) => new GraphQLError(withoutSuggestions(e.message), { extensions: e.extensions })) : [...errors];
  const validationRules = [depthLimitRule(config.graphql.maxDepth)];
  const activeSubscriptions = new WeakMap<object, number>();

  return {
    // Committed schema.gql makes API changes visible in review; production builds it in memory.
    autoSchemaFile: config.isProduction ? true : join(process.cwd(), 'schema.gql'),
    sortSchema: true,
    path: '/graphql',
    // The IDE is src/graphql-ide (served from the installed packages, works offline). Apollo's
    // own pages load their scripts from CDNs: GraphiQL from unpkg, the default landing page
    // (which Apollo shows when no landing page plugin is given) from Apollo's embed CDN.
    graphiql: false,
    playground: false,
    // The IDE builds its docs, autocompletion and validation from introspection, so forcing it on in
    // production (GRAPHQL_IDE=true) opens introspection too: the schema becomes readable to anyone
    // who reaches /graphql, the price of an IDE there (README, GRAPHQL_IDE).
    introspection: !config.isProduction || config.graphqlIde,
    csrfPrevention: true,
    validationRules,
    // A token limit stops a document with 100,000 aliases at parse time, before validation (whose
    // overlapping-fields rule is quadratic) or any resolver runs.
    parseOptions,
    hideSchemaDetailsFromClientErrors: config.isProduction,
    includeStacktraceInErrorResponses: !config.isProduction,
    // Cache-control hints are unused here (responses are never cached), and the plugin wraps every
    // field resolver: ~30% of the time spent returning a 50,000-prediction response.
    plugins: [
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      requestPlugin(config.graphql.maxComplexity, config.graphql.maxRootFields),
    ],
    formatError: (formatted) => {
      const result = formatGraphqlError(formatted);
      return config.isProduction ? { ...result, message: withoutSuggestions(result.message) } : result;
    },
    transformSchema: (built: GraphQLSchema) => {
      schema = built;
      return built;
    },
    // Subscriptions only over graphql-ws; queries and mutations use HTTP.
    subscriptions: {
      // Nest forwards every graphql-ws option at run time; its type lists only some of them.
      'graphql-ws': {
        path: '/graphql',
        onConnect: async (ctx: Context) => {
          capIncomingMessages((ctx.extra as { socket?: unknown }).socket, config.graphql.wsMaxMessageBytes);
          return ws.onConnect(ctx as Context<Record<string, unknown> | undefined, never>);
        },
        onClose: (ctx: Context) => ws.onDisconnect(ctx as Context<Record<string, unknown> | undefined, never>),
        onSubscribe: (ctx: Context, _id: string, payload: SubscribePayload) => {
          if (!schema) return [new GraphQLError('Schema not ready')];
          const count = (activeSubscriptions.get(ctx.extra as object) ?? 0) + 1;
          if (count > MAX_SUBSCRIPTIONS_PER_CONNECTION) {
            return [new GraphQLError(`At most ${MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions per connection`)];
          }
          let document;
          try {
            document = parse(payload.query, parseOptions);
          } catch (error) {
            return [error as GraphQLError];
          }
          const operation = getOperationAST(document, payload.operationName);
          if (!operation || operation.operation !== OperationTypeNode.SUBSCRIPTION) {
            return [new GraphQLError('Only subscription operations are accepted over websocket; use HTTP for queries and mutations')];
          }
          const shape = operationShapeError(document, operation, config.graphql.maxRootFields);
          if (shape) return [shape];
          const errors = validate(schema, document, [...specifiedRules, ...validationRules]);
          if (errors.length) return clean(errors);
          const tooComplex = complexityError(schema, document, payload.operationName, payload.variables, config.graphql.maxComplexity);
          if (tooComplex) return [tooComplex];
          activeSubscriptions.set(ctx.extra as object, count);
          const extra = ctx.extra as { connectionId?: string };
          return {
            schema,
            document,
            operationName: payload.operationName,
            variableValues: payload.variables,
            contextValue: { extra, requestId: extra.connectionId },
          };
        },
        onComplete: (ctx: Context) => {
          const count = activeSubscriptions.get(ctx.extra as object) ?? 1;
          activeSubscriptions.set(ctx.extra as object, count - 1);
        },
      } as GraphQLWsSubscriptionsConfig,
    },
    context: ({ req, extra }: { req?: unknown; extra?: unknown }) => ({ req, extra }),
  };
}
