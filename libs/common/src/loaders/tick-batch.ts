/**
 * Collects the requests of one tick and answers them with one call of `run` (one statement),
 * which returns the answers in the order of the requests: what thousands of callers arriving
 * at once (a reconnect storm) ask costs a few statements, not thousands.
 */
export class TickBatch<I, O> {
  private waiting: { input: I; resolve: (output: O) => void; reject: (error: unknown) => void }[] =
    [];

  constructor(private readonly run: (inputs: I[]) => Promise<O[]>) {}

  ask(input: I): Promise<O> {
    return new Promise((resolve, reject) => {
      if (this.waiting.length === 0) setImmediate(() => void this.flush());
      this.waiting.push({ input, resolve, reject });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.waiting;
    this.waiting = [];
    try {
      const outputs = await this.run(batch.map((waiter) => waiter.input));
      batch.forEach((waiter, i) => waiter.resolve(outputs[i]));
    } catch (error) {
      for (const waiter of batch) waiter.reject(error);
    }
  }
}
