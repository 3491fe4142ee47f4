/**
 * A push-fed async iterator: what a GraphQL subscription resolver returns. Values pushed before
 * anyone pulls wait in order; `return()` (socket closed, client unsubscribed) runs the cleanup.
 * Past `limit` buffered values the consumer is too slow: `onOverflow` decides the last value and
 * the stream ends, rather than holding memory without bound.
 */
export class AsyncQueue<T> implements AsyncIterableIterator<T> {
  private readonly values: T[] = [];
  private readonly waiting: ((result: IteratorResult<T>) => void)[] = [];
  private done = false;

  constructor(
    private readonly cleanup: () => void,
    private readonly limit = 10_000,
    private readonly onOverflow?: () => T,
  ) {}

  push(value: T): void {
    if (this.done) return;
    const taker = this.waiting.shift();
    if (taker) {
      taker({ value, done: false });
      return;
    }
    if (this.values.length >= this.limit) {
      this.values.length = 0;
      if (this.onOverflow) this.values.push(this.onOverflow());
      this.finish();
      return;
    }
    this.values.push(value);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.values.length > 0)
      return Promise.resolve({ value: this.values.shift()!, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  return(): Promise<IteratorResult<T>> {
    this.values.length = 0;
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    void this.return();
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  /** Ends the stream after the values already queued. */
  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.cleanup();
    for (const taker of this.waiting.splice(0)) taker({ value: undefined, done: true });
  }
}
