import { GraphQLFormattedError } from 'graphql';
import { InputProblem } from '../errors/domain-error';

const VARIABLE_ERROR = /^Variable "\$\w+" got invalid value .* at "([^"]+)"; (.*)$/s;
/** The same for a variable that is itself the bad value (no path inside it), e.g. an unknown enum value. */
const WHOLE_VARIABLE_ERROR = /^Variable "\$(\w+)" got invalid value .*?; (.*)$/s;
const UNKNOWN_FIELD = /^Field "(\w+)" is not defined by type "(\w+)"/;
const MISSING_FIELD = /^Field "(\w+)" of required type "([^"]+)" was not provided/;

/**
 * GraphQL's own input coercion (wrong types, unknown fields, NaN/Infinity, missing fields) stops
 * a request before our validation runs. Its messages carry the path ("input.records[3].age");
 * this turns them into the same `extensions.problems` shape (record index, field, rule) as our
 * range checks, so callers handle one format.
 */
export function formatGraphqlError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const match = VARIABLE_ERROR.exec(formatted.message) ?? WHOLE_VARIABLE_ERROR.exec(formatted.message);
  if (!match) return formatted;
  const [, path, rule] = match;
  const record = /records\[(\d+)\](?:\.(\w+))?/.exec(path);
  let field = record?.[2] ?? path.split('.').pop() ?? path;
  const unknown = UNKNOWN_FIELD.exec(rule);
  const missing = MISSING_FIELD.exec(rule);
  if (unknown) field = unknown[1];
  else if (missing) field = missing[1];
  const problem: InputProblem = {
    index: record ? Number(record[1]) : null,
    field,
    rule: unknown ? 'is not a known field' : missing ? `is required (${missing[2]})` : rule,
  };
  return {
    ...formatted,
    extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT', problems: [problem] },
  };
}
