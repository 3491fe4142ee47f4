import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, processAlive } from '@app/database';

/** The built service, as `npm start` runs it (the tests' global setup builds it when stale). */
const MAIN = 'dist/apps/api/src/main.js';
/** TypeORM's default: 9 retries, 3 s apart. A fast failure ends well before that. */
const RETRY_WINDOW_MS = 27_000;

const children = new Set<ChildProcess>();
process.once('exit', () => children.forEach((child) => child.kill('SIGKILL')));

function launch(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      JWT_SECRET: 'test-secret-test-secret-test-secret-!!',
      PORT: '0',
      HOST: '127.0.0.1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let output = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  }
  return { child, output: () => output };
}

/** Runs the service until it exits; it must not start. */
async function failedStart(
  env: Record<string, string>,
): Promise<{ code: number | null; ms: number; lines: string[] }> {
  const started = Date.now();
  const { child, output } = launch(env);
  const [code] = (await once(child, 'exit')) as [number | null];
  const lines = output().trim().split('\n');
  return { code, ms: Date.now() - started, lines };
}

describe('a start that retrying cannot fix', () => {
  let pgUrl: URL;
  beforeAll(() => {
    pgUrl = new URL(process.env.SEEIT_TEST_ADMIN_URL!);
  });

  const withUrl = (change: (url: URL) => void): string => {
    const url = new URL(pgUrl.toString());
    change(url);
    return url.toString();
  };

  const cases: [string, () => Promise<Record<string, string>>, RegExp][] = [
    [
      'an unknown role',
      () => Promise.resolve({ DATABASE_URL: withUrl((u) => (u.username = 'no_such_role')) }),
      /^Cannot use the database at .*: .*no_such_role.*\.$/,
    ],
    [
      'a database that does not exist',
      () => Promise.resolve({ DATABASE_URL: withUrl((u) => (u.pathname = '/no_such_db')) }),
      /^Cannot use the database at .*\/no_such_db: database "no_such_db" does not exist\.$/,
    ],
    [
      'a port where nothing listens',
      async () => {
        const port = String(await freePort());
        return { DATABASE_URL: withUrl((u) => (u.port = port)) };
      },
      /^Cannot use the database at 127\.0\.0\.1:\d+\/\w+: nothing accepts connections there \(connection refused\)\.$/,
    ],
    [
      'an unknown host',
      () =>
        Promise.resolve({ DATABASE_URL: withUrl((u) => (u.hostname = 'no-such-host.invalid')) }),
      /^Cannot use the database at no-such-host\.invalid:.*: its host name is unknown\.$/,
    ],
    [
      'a dead REDIS_URL',
      async () => ({
        DATABASE_URL: pgUrl.toString(),
        REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
      }),
      /^Cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+ \(connect ECONNREFUSED .*\)\.$/,
    ],
  ];

  it.each(cases)('exits at once with one plain sentence: %s', async (_name, env, sentence) => {
    const { code, ms, lines } = await failedStart(await env());
    expect(lines).toEqual([expect.stringMatching(sentence)]);
    expect(code).toBe(1);
    expect(ms).toBeLessThan(RETRY_WINDOW_MS);
  });
});

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Starts the service on the embedded PostgreSQL in `dataDir` and waits until it listens. */
async function serviceOn(dataDir: string): Promise<{ child: ChildProcess; output: () => string }> {
  const service = launch({ DATA_DIR: dataDir, NODE_ENV: 'development' });
  for (let waited = 0; !service.output().includes('GraphQL API on'); waited += 200) {
    if (service.child.exitCode !== null || waited > 90_000) {
      throw new Error(`The service did not start:\n${service.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return service;
}

async function stopService(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = once(child, 'exit');
  child.kill(signal);
  const [code] = (await exited) as [number | null];
  return code;
}

describe('the embedded PostgreSQL', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'seeit-orphan-'));
    // As root the embedded PostgreSQL runs as the postgres system user, which must reach it.
    if (asRoot) chmodSync(dataDir, 0o755);
  });

  it('says in a few lines what the first start and a restart did, with no alarm', async () => {
    const first = await serviceOn(dataDir);
    expect(await stopService(first.child, 'SIGTERM')).toBe(0);
    const again = await serviceOn(dataDir);
    expect(await stopService(again.child, 'SIGTERM')).toBe(0);

    const linesOf = (output: string, context: string) =>
      output.split('\n').filter((line) => line.includes(`[${context}]`));
    expect(linesOf(first.output(), 'EmbeddedPostgres')).toEqual([
      expect.stringContaining(
        `First start: creating the embedded PostgreSQL cluster in ${dataDir}`,
      ),
      expect.stringMatching(/Embedded PostgreSQL listening on 127\.0\.0\.1:\d+/),
    ]);
    expect(linesOf(first.output(), 'Database')).toEqual([
      expect.stringMatching(/Database schema migrated: \d+ migration\(s\) ran, the last \w+/),
    ]);
    expect(linesOf(again.output(), 'EmbeddedPostgres')).toEqual([
      expect.stringMatching(/Embedded PostgreSQL listening on/),
    ]);
    expect(linesOf(again.output(), 'Database')).toEqual([
      expect.stringContaining('Database schema up to date'),
    ]);
    for (const output of [first.output(), again.output()]) {
      // No initdb transcript, no server log, no "database already exists".
      expect(output).not.toMatch(/ERROR|WARN|FATAL|already exists|Success\. You can now/);
    }
  });

  it('is refused to a second service while its owner runs', async () => {
    const owner = await serviceOn(dataDir);
    try {
      const { code, lines } = await failedStart({ DATA_DIR: dataDir, NODE_ENV: 'development' });
      expect(code).toBe(1);
      expect(lines.at(-1)).toMatch(
        new RegExp(`is already running for process ${owner.child.pid} \\(pid \\d+\\); stop it`),
      );
    } finally {
      expect(await stopService(owner.child, 'SIGTERM')).toBe(0);
    }
  });

  it('starts over a stale postmaster.pid whose pid now belongs to another process', async () => {
    // As in a restarted container: the files left behind name a pid that is now someone else.
    const stale = String(process.pid);
    writeFileSync(join(dataDir, 'postgres', 'postmaster.pid'), `${stale}\n${dataDir}/postgres\n`);
    writeFileSync(join(dataDir, 'postgres-owner.pid'), stale);
    const again = await serviceOn(dataDir);
    expect(again.output()).toContain(`Removed a stale postmaster.pid (process ${stale} is not`);
    expect(await stopService(again.child, 'SIGTERM')).toBe(0);
  });

  it('left running by a service killed with SIGKILL is stopped by the next start, which works', async () => {
    const first = await serviceOn(dataDir);
    const postmaster = Number(
      readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0],
    );
    await stopService(first.child, 'SIGKILL');
    expect(processAlive(postmaster)).toBe(true);

    const again = await serviceOn(dataDir);
    try {
      expect(processAlive(postmaster)).toBe(false);
      const port = /GraphQL API on http:\/\/[^:]+:(\d+)/.exec(again.output())![1];
      const response = await fetch(`http://127.0.0.1:${port}/health`);
      expect(response.status).toBe(200);
    } finally {
      expect(await stopService(again.child, 'SIGTERM')).toBe(0);
    }
  });
});
