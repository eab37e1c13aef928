import { DocumentNode, GraphQLError, GraphQLSchema } from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';

/**
 * Query cost limit (graphql-query-complexity): every field costs 1 and a field with a `first`
 * argument costs `first` times its children. Called for HTTP operations (Apollo plugin) and for
 * websocket subscriptions (graphql-ws onSubscribe), so both paths share one limit.
 */
export function complexityError(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  maxComplexity: number,
): GraphQLError | null {
  const complexity = getComplexity({
    schema,
    query: document,
    operationName: operationName ?? undefined,
    variables: variables ?? {},
    estimators: [
      fieldExtensionsEstimator(),
      ({ args, childComplexity }) => (typeof args?.first === 'number' ? args.first * Math.max(1, childComplexity) : undefined),
      simpleEstimator({ defaultComplexity: 1 }),
    ],
  });
  if (complexity <= maxComplexity) return null;
  return new GraphQLError(`Query complexity ${complexity} exceeds the maximum of ${maxComplexity}`, {
    extensions: { code: 'BAD_USER_INPUT' },
  });
}
