import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { Logger } from '@nestjs/common';
import { serviceAvailable, tcpReachable } from '@app/testing/required-services';
import { RedisRateLimitStore } from './redis-rate-limit-store';

const available = serviceAvailable(
  'redis-server',
  spawnSync('redis-server', ['--version']).status === 0,
  'Install it (Debian: apt-get install redis-server).',
);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A Redis of this test's own, without persistence, so a restart starts empty. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  for (let i = 0; i < 50 && !tcpReachable('127.0.0.1', port); i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

(available ? describe : describe.skip)('RedisRateLimitStore while Redis is down', () => {
  let port: number;
  let redis: ChildProcess;
  const stores: RedisRateLimitStore[] = [];
  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
  });
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    if (redis.exitCode === null) await stop(redis);
  });

  it('counts in Redis, fails open to counting in the process, and goes back to Redis', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const url = `redis://127.0.0.1:${port}`;
    const [one, two] = [
      await RedisRateLimitStore.connect(url, 'test:'),
      await RedisRateLimitStore.connect(url, 'test:'),
    ];
    stores.push(one, two);
    expect((await one.hit('k', 60_000)).count).toBe(1);
    expect((await two.hit('k', 60_000)).count).toBe(2);

    await stop(redis);
    // No error reaches the caller: each process counts on its own.
    for (let i = 1; i <= 3; i += 1) {
      expect(await one.hit('k', 60_000)).toEqual({ count: i, resetsInMs: expect.any(Number) });
    }
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/count in each process/);

    redis = await startRedis(port);
    // Back in Redis once both share a count again (ioredis reconnects on its own schedule).
    let shared = 0;
    for (let i = 0; i < 50 && shared !== 2; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await one.hit(`probe ${i}`, 60_000);
      shared = (await two.hit(`probe ${i}`, 60_000)).count;
    }
    expect(shared).toBe(2);
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/count in Redis/));
    warn.mockRestore();
    log.mockRestore();
  });
});
