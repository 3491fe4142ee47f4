/** One attempt counted in a fixed window: how many so far, and when the window ends. */
export interface WindowCount {
  count: number;
  resetsInMs: number;
}

/** Fixed-window counters, in Redis (shared by every process) or in this process. */
export abstract class RateLimitStore {
  /** Counts one attempt on `key`; the window starts with the first attempt and lasts `windowMs`. */
  abstract hit(key: string, windowMs: number): Promise<WindowCount>;
  abstract reset(key: string): Promise<void>;
  abstract close(): Promise<void>;
}

/** Counters in this process's memory. */
export class MemoryRateLimitStore extends RateLimitStore {
  private readonly windows = new Map<string, { endsAt: number; count: number }>();
  private nextSweepAt = 0;

  constructor(private readonly now: () => number = Date.now) {
    super();
  }

  hit(key: string, windowMs: number): Promise<WindowCount> {
    const now = this.now();
    this.sweep(now);
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      window = { endsAt: now + windowMs, count: 0 };
      this.windows.set(key, window);
    }
    window.count += 1;
    return Promise.resolve({ count: window.count, resetsInMs: window.endsAt - now });
  }

  reset(key: string): Promise<void> {
    this.windows.delete(key);
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.windows.clear();
    return Promise.resolve();
  }

  /** Once there are many windows, drops the expired ones, at most once a second. */
  private sweep(now: number): void {
    if (this.windows.size < 10_000 || now < this.nextSweepAt) return;
    this.nextSweepAt = now + 1000;
    for (const [key, window] of this.windows) {
      if (window.endsAt <= now) this.windows.delete(key);
    }
  }
}
