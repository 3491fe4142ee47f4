import { ArgumentsHost, Catch, HttpException, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { GqlExceptionFilter } from '@nestjs/graphql';
import { DomainError } from './domain-errors';

/**
 * Logs server-side failures with their name, message and stack only. Nest's default logging
 * prints every enumerable property of an error, and a failed query carries its SQL parameters:
 * emails, password hashes, post text. GraphQL errors then go on to the error formatter.
 */
@Catch()
export class SafeExceptionFilter extends BaseExceptionFilter implements GqlExceptionFilter {
  private readonly log = new Logger('ExceptionsHandler');

  override catch(exception: unknown, host: ArgumentsHost): unknown {
    const clientError =
      exception instanceof DomainError ||
      (exception instanceof HttpException && exception.getStatus() < 500);
    if (!clientError) {
      const error = exception instanceof Error ? exception : new Error(String(exception));
      this.log.error(`${error.name}: ${error.message}`, error.stack);
    }
    if (host.getType<string>() === 'graphql') return exception;
    return super.catch(exception, host);
  }
}
