import { Logger } from '@nestjs/common';
import { ErrorRequestHandler } from 'express';

/**
 * What body-parser's errors carry (http-errors): a 4xx status, and a `type` such as
 * entity.too.large except when it wraps another error (a zlib one for a corrupt gzip body).
 */
interface BodyParserError {
  status: number;
  type?: unknown;
  message: string;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  const candidate = error as Partial<BodyParserError> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.status === 'number' &&
    candidate.status >= 400 &&
    candidate.status < 500
  );
}

const log = new Logger('HTTP');

/**
 * A body the JSON parser refused (over `maxBytes`, malformed, an unsupported charset or
 * Content-Encoding, a corrupt compressed body, an aborted upload) is the client's input: answered in GraphQL's error shape with its HTTP status, logged as one warning
 * line without a stack.
 */
export function requestBodyErrors(maxBytes: number): ErrorRequestHandler {
  return (error: unknown, request, response, next) => {
    if (!isBodyParserError(error)) {
      next(error);
      return;
    }
    const message =
      error.type === 'entity.too.large'
        ? `The request body is larger than ${maxBytes} bytes, the most allowed.`
        : `The request body could not be read: ${error.message}`;
    log.warn(`${request.method} ${request.path}: ${error.status} ${message}`);
    response
      .status(error.status)
      .json({ errors: [{ message, extensions: { code: 'BAD_USER_INPUT' } }] });
  };
}
