import { ArgumentsHost, Catch, HttpException, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { GqlExceptionFilter } from '@nestjs/graphql';
import { Request } from 'express';
import { DomainError } from './domain-errors';

/**
 * Logs what reaches it by what it is: a client's error (a domain error, an HTTP 4xx) at debug, a
 * refusal the service chose (an HTTP 5xx such as /health's 503) as a warning, both in one line
 * without a stack; anything else is a failure, logged with its name, message and stack only.
 * Nest's default logging prints every enumerable property of an error, and a failed query
 * carries its SQL parameters: emails, password hashes, post text. GraphQL errors then go on to
 * the error formatter.
 */
@Catch()
export class SafeExceptionFilter extends BaseExceptionFilter implements GqlExceptionFilter {
  private readonly log = new Logger('ExceptionsHandler');

  override catch(exception: unknown, host: ArgumentsHost): unknown {
    this.record(exception, host);
    if (host.getType<string>() === 'graphql') return exception;
    return super.catch(exception, host);
  }

  private record(exception: unknown, host: ArgumentsHost): void {
    const request =
      host.getType() === 'http' ? host.switchToHttp().getRequest<Request>() : undefined;
    const where = request ? `${request.method} ${request.path}: ` : '';
    if (exception instanceof DomainError) {
      this.log.debug(`${where}${exception.code} ${exception.message}`);
    } else if (exception instanceof HttpException) {
      const line = `${where}${exception.getStatus()} ${exception.message}`;
      if (exception.getStatus() < 500) this.log.debug(line);
      else this.log.warn(line);
    } else {
      const error = exception instanceof Error ? exception : new Error(String(exception));
      this.log.error(`${where}${error.name}: ${error.message}`, error.stack);
    }
  }
}
