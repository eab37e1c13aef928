import { ArgumentsHost, Catch, HttpException, Logger } from '@nestjs/common';
import { GqlExceptionFilter } from '@nestjs/graphql';
import type { Response } from 'express';
import { GraphQLError } from 'graphql';
import { DomainError, ErrorCode } from './domain-error';

const HTTP_STATUS_CODES: Record<number, ErrorCode> = {
  400: 'BAD_USER_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RATE_LIMITED',
};

const STATUS_OF_CODE: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  SERVICE_BUSY: 503,
  INTERNAL_SERVER_ERROR: 500,
};

/**
 * The one place that maps module errors to API errors: GraphQL errors with `extensions.code`, or
 * a JSON body with the matching HTTP status for the few REST routes (health, HTML reports).
 * Unknown errors become INTERNAL_SERVER_ERROR with a generic message (details go to the log).
 */
@Catch()
export class ApiExceptionFilter implements GqlExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): unknown {
    const { code, message, details } = this.describe(exception);
    if (host.getType<string>() === 'graphql') {
      if (exception instanceof GraphQLError) return exception;
      return new GraphQLError(message, { extensions: { code, ...details } });
    }
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) {
      // Part of a body is already out: cut the connection rather than let it pass as complete.
      response.destroy();
      return undefined;
    }
    // Set explicitly: a header the route set before failing (e.g. text/html) must never label
    // an error body, which may carry caller input; res.json() would keep an existing content-type.
    response
      .status(STATUS_OF_CODE[code])
      .setHeader('content-type', 'application/json; charset=utf-8')
      .setHeader('x-content-type-options', 'nosniff');
    if (code === 'UNAUTHENTICATED') response.setHeader('www-authenticate', 'Bearer');
    if (code === 'RATE_LIMITED' && typeof details.retryAfter === 'number') response.setHeader('retry-after', String(details.retryAfter));
    response.send(JSON.stringify({ error: { code, message, ...details } }));
    return undefined;
  }

  private describe(exception: unknown): { code: ErrorCode; message: string; details: Record<string, unknown> } {
    if (exception instanceof DomainError) return { code: exception.code, message: exception.message, details: exception.details };
    if (exception instanceof HttpException) {
      return { code: HTTP_STATUS_CODES[exception.getStatus()] ?? 'INTERNAL_SERVER_ERROR', message: exception.message, details: {} };
    }
    if (exception instanceof GraphQLError) return { code: 'BAD_USER_INPUT', message: exception.message, details: {} };
    this.logger.error({ msg: 'unhandled error', error: String(exception), stack: (exception as Error)?.stack });
    return { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error', details: {} };
  }
}
