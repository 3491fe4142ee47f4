import { GraphQLSchema } from 'graphql';
import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { GraphQLResponse } from './test-app';

const SET_UP_TIMEOUT_MS = 5000;

/** Polls `done` every 5 ms until it holds, or throws `failure()` after SET_UP_TIMEOUT_MS. */
async function pollUntil(done: () => boolean, failure: () => string): Promise<void> {
  const deadline = Date.now() + SET_UP_TIMEOUT_MS;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(failure());
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Counts the subscriptions a test app's server has set up and torn down: each subscription
 * field's resolver is wrapped, and counts once it has returned its stream (listening from then
 * on) or thrown; the stream counts a tear-down when the server ends it (`return()`: the client
 * unsubscribed or its socket closed). Opens take turns, so each waits for its own.
 */
export class SubscriptionSetUps {
  private count = 0;
  private tornDown = 0;
  private turn: Promise<unknown> = Promise.resolve();

  static instrument(schema: GraphQLSchema): SubscriptionSetUps {
    const setUps = new SubscriptionSetUps();
    for (const field of Object.values(schema.getSubscriptionType()?.getFields() ?? {})) {
      const subscribe = field.subscribe;
      if (!subscribe) continue;
      field.subscribe = async (...args) => {
        try {
          return setUps.counted(await subscribe(...args));
        } finally {
          setUps.count += 1;
        }
      };
    }
    return setUps;
  }

  /** The stream, its `return()` counted as a tear-down (an error result as it is). */
  private counted(result: unknown): unknown {
    if (!result || typeof result !== 'object' || !(Symbol.asyncIterator in result)) return result;
    const iterator = (result as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    const stream: AsyncIterableIterator<unknown> = {
      next: (value?: unknown) => iterator.next(value),
      return: async (value?: unknown) => {
        try {
          return (await iterator.return?.(value)) ?? { done: true, value: undefined };
        } finally {
          this.tornDown += 1;
        }
      },
      throw: (error?: unknown) =>
        iterator.throw
          ? iterator.throw(error)
          : Promise.reject(error instanceof Error ? error : new Error(String(error))),
      [Symbol.asyncIterator]: () => stream,
    };
    return stream;
  }

  /** How many the server has set up so far. */
  get total(): number {
    return this.count;
  }

  /** Resolves once the server has set up `total` subscriptions in all. */
  reach(total: number): Promise<void> {
    return pollUntil(
      () => this.count >= total,
      () => `The server set up ${this.count} subscriptions, not ${total}`,
    );
  }

  /** Resolves once the server has torn down `total` subscriptions in all. */
  reachTornDown(total: number): Promise<void> {
    return pollUntil(
      () => this.tornDown >= total,
      () => `The server tore down ${this.tornDown} subscriptions, not ${total}`,
    );
  }

  /** How many the server has torn down so far. */
  get totalTornDown(): number {
    return this.tornDown;
  }

  /**
   * Runs `open` after the opens before it, then waits until the server has set one more
   * subscription up, or `answered` holds (an error that never reached a resolver, a closed socket).
   */
  async one<T>(open: () => T, answered: (opened: T) => boolean): Promise<T> {
    const run = this.turn.then(async () => {
      const before = this.count;
      const opened = open();
      await pollUntil(
        () => this.count !== before || answered(opened),
        () => `The server set up no subscription within ${SET_UP_TIMEOUT_MS} ms`,
      );
      return opened;
    });
    this.turn = run.catch(() => undefined);
    return run;
  }
}

/**
 * One graphql-ws subscription from a real websocket client. Results queue up in order; `next`
 * waits for the next one. graphql-ws does not acknowledge a subscribe: `open` waits until the
 * server has set it up when given the app's SubscriptionSetUps (TestApp.subscribe), else
 * `settleMs` (a process the test did not start through TestApp).
 */
export class TestSubscription<T = any> {
  readonly results: GraphQLResponse<T>[] = [];
  private readonly waiters: ((result: GraphQLResponse<T> | undefined) => void)[] = [];
  private ended = false;
  /** The close event of the socket, when the server closed it (code 4403 for a refused token). */
  closeCode?: number;
  private unsubscribe: () => void = () => undefined;

  private constructor(private readonly client: Client) {}

  static async open<T>(
    url: string,
    query: string,
    variables: Record<string, unknown>,
    connectionParams: Record<string, unknown>,
    setUps?: SubscriptionSetUps,
    settleMs = 250,
  ): Promise<TestSubscription<T>> {
    if (setUps) {
      return setUps.one(
        () => TestSubscription.start<T>(url, query, variables, connectionParams),
        (opened) => opened.results.length > 0 || opened.ended,
      );
    }
    const subscription = TestSubscription.start<T>(url, query, variables, connectionParams);
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    return subscription;
  }

  private static start<T>(
    url: string,
    query: string,
    variables: Record<string, unknown>,
    connectionParams: Record<string, unknown>,
  ): TestSubscription<T> {
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      connectionParams,
      retryAttempts: 0,
      lazy: false,
      // The close is recorded below (closeCode); the default would print the whole event.
      onNonLazyError: () => undefined,
      on: {
        closed: (event) => {
          subscription.closeCode = (event as { code?: number }).code;
          subscription.finish();
        },
      },
    });
    const subscription = new TestSubscription<T>(client);
    subscription.unsubscribe = client.subscribe<T>(
      { query, variables },
      {
        next: (result) => subscription.push(result as GraphQLResponse<T>),
        error: (error) => {
          subscription.push({
            errors: Array.isArray(error)
              ? (error as GraphQLResponse['errors'])
              : [{ message: error instanceof Error ? error.message : String(error) }],
          });
          subscription.finish();
        },
        complete: () => subscription.finish(),
      },
    );
    return subscription;
  }

  private push(result: GraphQLResponse<T>): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(result);
    else this.results.push(result);
  }

  private finish(): void {
    this.ended = true;
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }

  /** The next result, or an error after `timeoutMs`. */
  async next(timeoutMs = 5000): Promise<GraphQLResponse<T>> {
    const queued = this.results.shift();
    if (queued) return queued;
    if (this.ended) throw new Error('The subscription has ended');
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`No subscription result within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (result: GraphQLResponse<T> | undefined) => {
        clearTimeout(timer);
        if (result) resolve(result);
        else reject(new Error('The subscription ended'));
      };
      this.waiters.push(waiter);
    });
  }

  /** The next result's data, failing on errors. */
  async nextData(timeoutMs = 5000): Promise<T> {
    const result = await this.next(timeoutMs);
    if (result.errors?.length)
      throw new Error(`Subscription errors: ${JSON.stringify(result.errors)}`);
    return result.data as T;
  }

  /**
   * Asserts that nothing arrived before the result `marker` causes: `marker` is an action whose
   * result reaches this subscription after anything the actions before it caused, and `isMarker`
   * recognizes it. Prefer it to `nothingFor`: it waits for a signal, not for a time.
   */
  async nothingBefore(
    marker: () => Promise<unknown>,
    isMarker: (data: T) => boolean,
    timeoutMs = 5000,
  ): Promise<void> {
    await marker();
    const result = await this.next(timeoutMs);
    if (result.errors?.length || !isMarker(result.data as T)) {
      throw new Error(`Expected nothing before the marker, got ${JSON.stringify(result)}`);
    }
  }

  /**
   * Asserts that nothing arrives for `ms`. Only for what no later event can rule out (say why at
   * the call); keep `ms` a few hundred ms, past the delivery of an event the action would wrongly
   * have caused.
   */
  async nothingFor(ms: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    if (this.results.length > 0) {
      throw new Error(`Expected nothing, got ${JSON.stringify(this.results[0])}`);
    }
  }

  get isEnded(): boolean {
    return this.ended;
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.client.dispose();
  }
}

/** The next timelineUpdates update of `kind` about `itemId`, skipping others. */
export async function nextTimelineUpdate(
  sub: TestSubscription,
  kind: string,
  itemId: string,
  timeoutMs: number,
): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const data = await sub.nextData(Math.max(1, deadline - Date.now()));
    const update = data.timelineUpdates;
    if (update.kind === kind && update.item?.id === itemId) return update;
  }
}
