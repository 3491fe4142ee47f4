import { IncomingMessage, ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import express, { ErrorRequestHandler } from 'express';

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
 * The JSON request body, as the express stack and `POST /graphql` (graphql-posts.ts) both read
 * it: one parser (body-parser, at most `maxBytes`, compressed bodies inflated) and one answer to
 * what it refuses.
 */
export class JsonBody {
  /** Sets `body` on the request, or passes the parser's error to `next`. */
  readonly parse: (
    request: IncomingMessage,
    response: ServerResponse,
    next: (error?: unknown) => void,
  ) => void;

  constructor(private readonly maxBytes: number) {
    this.parse = express.json({ limit: maxBytes });
  }

  /**
   * Answers a body the parser refused (over the limit, malformed, an unsupported charset or
   * Content-Encoding, a corrupt compressed body, an aborted upload): the client's input, so
   * GraphQL's error shape with its HTTP status, logged as one warning line without a stack. False
   * for any other error, which is not answered.
   */
  answerRefusal(error: unknown, request: IncomingMessage, response: ServerResponse): boolean {
    if (!isBodyParserError(error)) return false;
    const message =
      error.type === 'entity.too.large'
        ? `The request body is larger than ${this.maxBytes} bytes, the most allowed.`
        : `The request body could not be read: ${error.message}`;
    const path = (request.url ?? '/').split('?')[0];
    log.warn(`${request.method} ${path}: ${error.status} ${message}`);
    const body = JSON.stringify({ errors: [{ message, extensions: { code: 'BAD_USER_INPUT' } }] });
    response.writeHead(error.status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
    });
    response.end(body);
    return true;
  }

  /** `answerRefusal` in the express stack, after `parse`. */
  refusals(): ErrorRequestHandler {
    return (error: unknown, request, response, next) => {
      if (!this.answerRefusal(error, request, response)) next(error);
    };
  }
}
