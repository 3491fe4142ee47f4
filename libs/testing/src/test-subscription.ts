import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { GraphQLResponse } from './test-app';

/**
 * One graphql-ws subscription from a real websocket client. Results queue up in order; `next`
 * waits for the next one. graphql-ws does not acknowledge a subscribe, so `open` waits `settleMs`
 * for the server to register it before the test acts.
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
    settleMs = 250,
  ): Promise<TestSubscription<T>> {
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
    await new Promise((resolve) => setTimeout(resolve, settleMs));
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

  /** Asserts that nothing arrives for `ms`. */
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
