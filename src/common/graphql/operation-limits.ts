import { DocumentNode, FragmentDefinitionNode, GraphQLError, Kind, OperationDefinitionNode, SelectionSetNode } from 'graphql';

/**
 * Root fields of an operation, counted through fragments and aliases: `a: ingestBatch b:
 * ingestBatch` is two, and so is a fragment on Mutation that holds two. A cycle of fragment
 * spreads (invalid anyway) is cut by the visited set.
 */
export function rootFieldCount(document: DocumentNode, operation: OperationDefinitionNode): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const visited = new Set<string>();
  const count = (selectionSet: SelectionSetNode): number => {
    let n = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) n += selection.name.value === '__typename' ? 0 : 1;
      else if (selection.kind === Kind.INLINE_FRAGMENT) n += count(selection.selectionSet);
      else if (!visited.has(selection.name.value)) {
        visited.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) n += count(fragment.selectionSet);
      }
    }
    return n;
  };
  return count(operation.selectionSet);
}

/**
 * Bounds what one request may ask for before any resolver runs: exactly one mutation field per
 * mutation operation (one heavy write per request: twenty aliased ingestBatch fields wrote a
 * million rows), and at most `maxRootFields` root fields in a query or subscription.
 */
export function operationShapeError(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  maxRootFields: number,
): GraphQLError | null {
  const fields = rootFieldCount(document, operation);
  if (operation.operation === 'mutation' && fields > 1) {
    return new GraphQLError(
      `A mutation request may contain exactly one mutation field (found ${fields}, aliases included); send one request per mutation`,
      {
        extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
      },
    );
  }
  if (fields > maxRootFields) {
    return new GraphQLError(`An operation may select at most ${maxRootFields} root fields (found ${fields}, aliases included)`, {
      extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
    });
  }
  return null;
}

/** "Did you mean …?" hints name schema fields; production hides them (they map the API for an attacker). */
export function withoutSuggestions(message: string): string {
  return message.replace(/\s*Did you mean [^?]*\?/g, '');
}
