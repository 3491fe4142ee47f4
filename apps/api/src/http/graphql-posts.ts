import { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import { ApolloServer, BaseContext, HeaderMap, HTTPGraphQLResponse } from '@apollo/server';
import { answerBodyError } from './request-body-errors';

/** The express stack's JSON body parser (body-parser), which sets `body` on the request. */
export type JsonBodyParser = (
  request: IncomingMessage,
  response: ServerResponse,
  next: (error?: unknown) => void,
) => void;

export interface GraphqlPostsOptions {
  apollo: ApolloServer<BaseContext>;
  parseJson: JsonBodyParser;
  maxBodyBytes: number;
  context: (request: IncomingMessage) => Promise<BaseContext>;
}

const PATH = '/graphql';
const log = new Logger('HTTP');

/**
 * Serves `POST /graphql`, nearly every request the API gets, from the HTTP server's own request
 * event, in front of express: the same JSON body parser and body-error answers, the same CORS
 * header (`enableCors()`'s `*`), the same Apollo server and context. It skips express's router,
 * its middleware chain and the Nest adapter's request copying, about a tenth of a home page's CPU
 * (docs/performance.md). Every other request, a query string on the path included, goes to
 * express as before.
 */
export function serveGraphqlPosts(
  server: Server,
  express: RequestListener,
  options: GraphqlPostsOptions,
): void {
  if (!server.listeners('request').includes(express)) {
    throw new Error('The HTTP server does not hand its requests to this express app.');
  }
  // Apollo's drain plugin listens too (it counts each socket's requests): it stays.
  server.removeListener('request', express);
  server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
    if (request.method === 'POST' && request.url === PATH) {
      answer(request, response, options);
    } else {
      express(request, response);
    }
  });
}

function answer(
  request: IncomingMessage & { body?: unknown },
  response: ServerResponse,
  options: GraphqlPostsOptions,
): void {
  response.setHeader('access-control-allow-origin', '*');
  options.parseJson(request, response, (error) => {
    if (error !== undefined) {
      if (!answerBodyError(error, request, response, options.maxBodyBytes)) fail(response, error);
      return;
    }
    execute(request, response, options).catch((failure: unknown) => fail(response, failure));
  });
}

async function execute(
  request: IncomingMessage & { body?: unknown },
  response: ServerResponse,
  { apollo, context }: GraphqlPostsOptions,
): Promise<void> {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const answer = await apollo.executeHTTPGraphQLRequest({
    // A body of another content type is left unparsed; Apollo then answers it as express would.
    httpGraphQLRequest: { method: 'POST', headers, search: '', body: request.body ?? {} },
    context: () => context(request),
  });
  await send(response, answer);
}

async function send(response: ServerResponse, answer: HTTPGraphQLResponse): Promise<void> {
  for (const [name, value] of answer.headers) response.setHeader(name, value);
  response.statusCode = answer.status ?? 200;
  if (answer.body.kind === 'complete') {
    response.setHeader('content-length', Buffer.byteLength(answer.body.string));
    response.end(answer.body.string);
    return;
  }
  for await (const chunk of answer.body.asyncIterator) response.write(chunk);
  response.end();
}

/** Apollo answers its own failures; this is for a fault outside it, as express's last handler. */
function fail(response: ServerResponse, error: unknown): void {
  log.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body = JSON.stringify({
    errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
  });
  response.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
  response.end(body);
}
