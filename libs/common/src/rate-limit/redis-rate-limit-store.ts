import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { redisConnection } from '../redis/redis-connection';
import { MemoryRateLimitStore, RateLimitStore, WindowCount } from './rate-limit-store';

/** INCR, and the window's expiry set by its first attempt, in one atomic round trip. */
const HIT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}`;

/** How long a limit waits for Redis before counting in the process instead. */
const COMMAND_TIMEOUT_MS = 500;

/**
 * Counters in Redis, so every process of a deployment counts against one limit. When Redis does
 * not answer, the limits fail open to counting in this process (each process then allows the
 * limit on its own): a rate limit must never take the service down. One warning when that
 * starts, one line when Redis answers again.
 */
export class RedisRateLimitStore extends RateLimitStore {
  private readonly logger = new Logger('RateLimits');
  private readonly fallback = new MemoryRateLimitStore();
  private degraded = false;

  private constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    super();
    redis.on('error', (error: Error) => this.degrade(error));
  }

  /** Connects first, so the first limits count in Redis; starts degraded when it cannot. */
  static async connect(url: string, prefix: string): Promise<RedisRateLimitStore> {
    const redis = redisConnection(url, { commandTimeoutMs: COMMAND_TIMEOUT_MS });
    const store = new RedisRateLimitStore(redis, `${prefix}rate:`);
    await redis.connect().catch((error: Error) => store.degrade(error));
    return store;
  }

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    try {
      const [count, ttl] = (await this.redis.eval(HIT, 1, this.prefix + key, windowMs)) as [
        number,
        number,
      ];
      this.recover();
      return { count, resetsInMs: ttl };
    } catch (error) {
      this.degrade(error as Error);
      return this.fallback.hit(key, windowMs);
    }
  }

  async reset(key: string): Promise<void> {
    await this.fallback.reset(key);
    try {
      await this.redis.del(this.prefix + key);
    } catch (error) {
      this.degrade(error as Error);
    }
  }

  async close(): Promise<void> {
    this.redis.disconnect();
    await this.fallback.close();
  }

  private degrade(error: Error): void {
    if (this.degraded) return;
    this.degraded = true;
    this.logger.warn(
      `Redis does not answer (${error.message}): rate limits count in each process until it does.`,
    );
  }

  private recover(): void {
    if (!this.degraded) return;
    this.degraded = false;
    this.logger.log('Redis answers again: rate limits count in Redis.');
  }
}
