import GraphQLJSON from 'graphql-type-json';

/** Free-form JSON (batch metadata, report details). */
export const JSONScalar = GraphQLJSON;
