import { IncomingMessage, ServerResponse } from 'node:http';
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
 * Answers a body the JSON parser refused (over `maxBytes`, malformed, an unsupported charset or
 * Content-Encoding, a corrupt compressed body, an aborted upload): the client's input, so GraphQL's
 * error shape with its HTTP status, logged as one warning line without a stack. False for any
 * other error, which is not answered.
 */
export function answerBodyError(
  error: unknown,
  request: IncomingMessage,
  response: ServerResponse,
  maxBytes: number,
): boolean {
  if (!isBodyParserError(error)) return false;
  const message =
    error.type === 'entity.too.large'
      ? `The request body is larger than ${maxBytes} bytes, the most allowed.`
      : `The request body could not be read: ${error.message}`;
  const path = (request.url ?? '/').split('?')[0];
  log.warn(`${request.method} ${path}: ${error.status} ${message}`);
  const body = JSON.stringify({ errors: [{ message, extensions: { code: 'BAD_USER_INPUT' } }] });
  response.writeHead(error.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
  return true;
}

/** `answerBodyError` for the express stack, after its JSON parser. */
export function requestBodyErrors(maxBytes: number): ErrorRequestHandler {
  return (error: unknown, request, response, next) => {
    if (!answerBodyError(error, request, response, maxBytes)) next(error);
  };
}
