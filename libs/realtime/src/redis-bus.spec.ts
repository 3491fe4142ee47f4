import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { redisServerInstalled, serviceAvailable, TestRedisServer } from '@app/testing';
import { BusMessage } from './event-bus';
import { RedisBus } from './redis-bus';

const available = serviceAvailable(
  'redis-server',
  redisServerInstalled(),
  'The Redis bus tests start their own redis-server (Debian: apt-get install redis-server).',
);

const PREFIX = 'bus-test:';

/** Resolves once `check` holds, polling; fails after 10 s. */
async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  for (let waited = 0; !(await check()); waited += 50) {
    if (waited > 10_000) throw new Error(`Still not: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

(available ? describe : describe.skip)('RedisBus', () => {
  let redis: TestRedisServer;
  let bus: RedisBus;
  let raw: Redis;
  let received: BusMessage[];
  let recoveries: number;

  beforeAll(async () => {
    redis = await TestRedisServer.start();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  beforeEach(async () => {
    bus = new RedisBus(redis.url, PREFIX);
    await bus.ready();
    received = [];
    recoveries = 0;
    bus.subscribe('topic', (message) => received.push(message));
    bus.onRecover(() => (recoveries += 1));
    raw = new Redis(redis.url);
    await until('subscribed', () => bus.state === 'up');
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    raw.disconnect();
    await bus.close();
  });

  /** Publishes until the bus's handler hears it: proof the subscription is in place. */
  async function untilHeard(n: number): Promise<void> {
    await until(`message ${n} heard`, async () => {
      await bus.publish('topic', { n });
      await new Promise((resolve) => setTimeout(resolve, 50));
      return received.some((message) => message.n === n);
    });
  }

  it('retries resubscribing after a reconnect until it succeeds, and says down meanwhile', async () => {
    const subscribe = jest
      .spyOn(Redis.prototype, 'subscribe')
      .mockRejectedValue(new Error('refused'));
    await redis.stop();
    await redis.resume();
    await until('a resubscription refused', () => subscribe.mock.calls.length >= 2);
    // Connected again, but deaf: not up.
    expect(bus.state).toBe('down');

    subscribe.mockRestore();
    await until('up again', () => bus.state === 'up');
    await untilHeard(1);
    await until('recovery run', () => recoveries === 1);
  });

  it('announces recovery once a slow Redis answers again, though the connection never dropped', async () => {
    await raw.call('CLIENT', 'PAUSE', '3000', 'ALL');
    await bus.publish('topic', { n: 1 }); // times out: dropped
    await until('recovery announced', () => recoveries === 1);
    expect(bus.state).toBe('up');
  });

  it('skips messages that are not JSON objects on its prefix, with one warning, and goes on', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    await raw.publish(`${PREFIX}topic`, 'not json');
    await raw.publish(`${PREFIX}topic`, '42');
    await raw.publish(`${PREFIX}topic`, '{"n": 7}');
    await until('the JSON message heard', () => received.length === 1);
    expect(received).toEqual([{ n: 7 }]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toContain(`${PREFIX}topic`);
  });
});
