import { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import { ApolloServer, BaseContext, HeaderMap, HTTPGraphQLResponse } from '@apollo/server';
import { JsonBody } from './json-body';

export interface GraphqlPostsOptions {
  apollo: ApolloServer<BaseContext>;
  body: JsonBody;
  /** The context Apollo's express integration makes; `req` is added as Nest's driver adds it. */
  context: (request: IncomingMessage) => Promise<BaseContext>;
}

const PATH = '/graphql';
const log = new Logger('HTTP');

/**
 * Serves `POST /graphql`, nearly every request the API gets, from the HTTP server's own request
 * event, in front of express: the same JSON body parser and refusals, the same CORS header
 * (`enableCors()`'s `*`), the same Apollo server and context. It skips express's router, its
 * middleware chain and the Nest adapter's request copying, about a tenth of a home page's CPU
 * (docs/performance.md). Every other request, a query string on the path included, goes to
 * express as before.
 */
export function serveGraphqlPosts(
  server: Server,
  expressApp: RequestListener,
  options: GraphqlPostsOptions,
): void {
  if (!server.listeners('request').includes(expressApp)) {
    throw new Error('The HTTP server does not hand its requests to this express app.');
  }
  // Apollo's drain plugin listens too (it counts each socket's requests): it stays, after this.
  server.removeListener('request', expressApp);
  server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
    if (request.method === 'POST' && request.url === PATH) {
      serve(request, response, options);
    } else {
      expressApp(request, response);
    }
  });
}

function serve(
  request: IncomingMessage & { body?: unknown },
  response: ServerResponse,
  options: GraphqlPostsOptions,
): void {
  // Header names as express and cors write them, so that even a raw client sees the same answer.
  response.setHeader('Access-Control-Allow-Origin', '*');
  options.body.parse(request, response, (error) => {
    if (error !== undefined) {
      if (!options.body.answerRefusal(error, request, response)) fail(response, error);
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
  const result = await apollo.executeHTTPGraphQLRequest({
    // A body of another content type is left unparsed; Apollo then answers it as express would.
    httpGraphQLRequest: { method: 'POST', headers, search: '', body: request.body ?? {} },
    context: async () => Object.assign(await context(request), { req: request }),
  });
  await send(response, result);
}

async function send(response: ServerResponse, result: HTTPGraphQLResponse): Promise<void> {
  for (const [name, value] of result.headers) {
    response.setHeader(name === 'content-type' ? 'Content-Type' : name, value);
  }
  response.statusCode = result.status ?? 200;
  if (result.body.kind === 'complete') {
    response.setHeader('Content-Length', Buffer.byteLength(result.body.string));
    response.end(result.body.string);
    return;
  }
  // Incremental delivery (@defer) needs graphql 17; written out as the express integration does.
  for await (const chunk of result.body.asyncIterator) response.write(chunk);
  response.end();
}

/**
 * A fault no client causes: Apollo answers its own errors and those of the context, and the
 * parser refuses only with 4xx. Logged with its stack, and answered in GraphQL's shape.
 */
function fail(response: ServerResponse, error: unknown): void {
  log.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  if (response.headersSent) {
    response.end();
    return;
  }
  const body = JSON.stringify({
    errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
  });
  response.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8' });
  response.end(body);
}
