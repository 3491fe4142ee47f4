import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from '@app/database';
import { probe, tcpReachable } from './required-services';

/** Whether a `redis-server` binary is on the PATH (fault tests start their own). */
export function redisServerInstalled(): boolean {
  return probe('redis-server', ['--version']) !== undefined;
}

/**
 * A Redis of the test's own, on a free port, that the test may stop and start again (the
 * machine's Redis is shared and never stopped). Nothing is persisted.
 */
export class TestRedisServer {
  private child?: ChildProcess;

  private constructor(readonly port: number) {}

  static async start(): Promise<TestRedisServer> {
    const server = new TestRedisServer(await freePort());
    await server.resume();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts it again on the same port. */
  async resume(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    this.child = child;
    for (let waited = 0; !tcpReachable('127.0.0.1', this.port); waited += 100) {
      if (child.exitCode !== null || waited > 10_000) {
        throw new Error(`redis-server did not start on port ${this.port}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Kills it, as a crash would: connections drop at once. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }
}
