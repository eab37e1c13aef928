import { ArgumentsHost, Catch, HttpException, Logger } from '@nestjs/common';
import { GqlExceptionFilter } from '@nestjs/graphql';
import { GraphQLError } from 'graphql';
import { DomainError } from './domain-error';

const HTTP_STATUS_CODES: Record<number, string> = {
  400: 'BAD_USER_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
};

/**
 * The one place that maps module errors to GraphQL errors. Unknown errors become
 * INTERNAL_SERVER_ERROR with a generic message (details go to the log, not to the caller).
 */
@Catch()
export class GraphqlExceptionFilter implements GqlExceptionFilter {
  private readonly logger = new Logger('GraphQL');

  catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<string>() !== 'graphql') throw exception;
    if (exception instanceof GraphQLError) return exception;
    if (exception instanceof DomainError) {
      return new GraphQLError(exception.message, { extensions: { code: exception.code, ...exception.details } });
    }
    if (exception instanceof HttpException) {
      const code = HTTP_STATUS_CODES[exception.getStatus()] ?? 'INTERNAL_SERVER_ERROR';
      return new GraphQLError(exception.message, { extensions: { code } });
    }
    this.logger.error({ msg: 'unhandled error', error: String(exception), stack: (exception as Error)?.stack });
    return new GraphQLError('Internal server error', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  }
}
