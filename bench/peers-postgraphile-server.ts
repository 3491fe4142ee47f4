/**
 * The PostGraphile 4 peer: the `peers` schema (bench/peers-postgraphile-sql.ts) served by
 * PostGraphile's own request handler, behind a bare node http server that checks the bearer
 * token and hands the viewer id to PostgreSQL through pgSettings, as PostGraphile apps with
 * their own authentication do.
 */
import './peers-postgraphile-modules';
import { createServer, IncomingMessage } from 'node:http';
import { postgraphile } from 'postgraphile';
import { BearerCheck } from './peers-auth';
import { settingsFromEnv } from './peers-protocol';
import { recordingPool, serveParent } from './peers-server-support';

type ViewerRequest = IncomingMessage & { viewerId?: string };

async function main(): Promise<void> {
  const settings = settingsFromEnv();
  const { pool, recorder } = recordingPool(settings);
  const bearer = new BearerCheck(settings.jwtSecret);
  const handler = postgraphile(pool, 'peers', {
    pgSettings: (request) => ({ 'jwt.claims.viewer_id': (request as ViewerRequest).viewerId }),
    disableQueryLog: true,
    graphiql: false,
    enableQueryBatching: false,
    setofFunctionsContainNulls: false,
    disableDefaultMutations: true,
    ignoreRBAC: true,
    retryOnInitFail: false,
  });
  const server = createServer((request: ViewerRequest, response) => {
    request.viewerId = bearer.viewerOf(request.headers.authorization);
    if (!request.viewerId) {
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ errors: [{ message: 'not signed in' }] }));
      return;
    }
    void handler(request, response);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serveParent((server.address() as { port: number }).port, recorder, async () => {
    server.close();
    await handler.release();
    await pool.end();
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
