import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig, RateLimitName } from '@app/config';
import { RateLimitedError } from '../errors/domain-errors';
import { MemoryRateLimitStore, RateLimitStore } from './rate-limit-store';
import { RedisRateLimitStore } from './redis-rate-limit-store';

/** The store of every limit: Redis when REDIS_URL is set, this process otherwise. */
export const rateLimitStoreProvider = {
  provide: RateLimitStore,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig): Promise<RateLimitStore> | RateLimitStore =>
    config.redisUrl
      ? RedisRateLimitStore.connect(config.redisUrl, config.redisKeyPrefix)
      : new MemoryRateLimitStore(),
};

/**
 * The named limits of AppConfig.rateLimits, each a fixed window per key (an account, an address,
 * a pair of them). A refused attempt changes nothing but its own count.
 */
@Injectable()
export class RateLimits {
  constructor(
    private readonly store: RateLimitStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Counts one attempt, or throws RATE_LIMITED, with retryAfterSeconds, when the window is full. */
  async consume(name: RateLimitName, key: string, message: string): Promise<void> {
    const { max, windowSeconds } = this.config.rateLimits[name];
    const { count, resetsInMs } = await this.store.hit(`${name}:${key}`, windowSeconds * 1000);
    if (count > max) {
      throw new RateLimitedError(message, resetsInMs / 1000);
    }
  }

  /** Counts one occurrence; false once the window is full, for what is dropped rather than refused. */
  async allow(name: RateLimitName, key: string): Promise<boolean> {
    const { max, windowSeconds } = this.config.rateLimits[name];
    return (await this.store.hit(`${name}:${key}`, windowSeconds * 1000)).count <= max;
  }

  reset(name: RateLimitName, key: string): Promise<void> {
    return this.store.reset(`${name}:${key}`);
  }
}
