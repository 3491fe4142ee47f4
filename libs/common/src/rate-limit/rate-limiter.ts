import { RateLimitedError } from '../errors/domain-errors';

/**
 * Fixed-window counters kept in this process. Windows are short and limits generous, so the
 * occasional per-process split behind a load balancer errs on the side of the user.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { startedAt: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one attempt for `key`, or throws RATE_LIMITED when the window is full. */
  consume(key: string, message: string): void {
    const now = this.now();
    this.sweep(now);
    const window = this.windows.get(key);
    if (!window || now - window.startedAt >= this.windowMs) {
      this.windows.set(key, { startedAt: now, count: 1 });
      return;
    }
    if (window.count >= this.limit) {
      const retryAfter = Math.ceil((window.startedAt + this.windowMs - now) / 1000);
      throw new RateLimitedError(message, retryAfter);
    }
    window.count += 1;
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  private sweep(now: number): void {
    if (this.windows.size < 10_000) return;
    for (const [key, window] of this.windows) {
      if (now - window.startedAt >= this.windowMs) this.windows.delete(key);
    }
  }
}
