import { RateLimitedError } from '../errors/domain-errors';
import { RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  it('allows `limit` attempts per window, then says when to retry', () => {
    let now = 1_000_000;
    const limiter = new RateLimiter(2, 60_000, () => now);
    limiter.consume('a', 'slow down');
    limiter.consume('a', 'slow down');
    let error: unknown;
    try {
      limiter.consume('a', 'slow down');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).details).toEqual({ retryAfterSeconds: 60 });
    limiter.consume('b', 'other keys are independent');
    now += 60_000;
    expect(() => limiter.consume('a', 'slow down')).not.toThrow();
  });
});
