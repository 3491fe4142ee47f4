import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { GraphQLResponse } from './test-app';

/** What one operation on a TestSocket received: `next` payloads, then an `error` or a completion. */
export class TestOperation<T = any> {
  readonly results: GraphQLResponse<T>[] = [];
  /** The payload of an `error` message (graphql-ws's error for this operation id). */
  errors?: GraphQLResponse['errors'];
  completed = false;
  private readonly changed: (() => void)[] = [];
  /** Completes the operation from the client's side (graphql-ws's `complete` message). */
  cancel: () => void = () => undefined;

  push(update: () => void): void {
    update();
    for (const wake of this.changed.splice(0)) wake();
  }

  /** Resolves once `done` holds, or rejects after `timeoutMs`. */
  async until(done: (op: this) => boolean, timeoutMs = 5000): Promise<this> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`Operation: condition not met within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.changed.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this;
  }

  /** The `error` message's payload, waiting for it. */
  async error(timeoutMs?: number): Promise<NonNullable<GraphQLResponse['errors']>> {
    await this.until((op) => op.errors !== undefined, timeoutMs);
    return this.errors!;
  }
}

/**
 * One graphql-ws connection from the official client, carrying several operations at once
 * (TestSubscription opens one connection per subscription).
 */
export class TestSocket {
  /** Close codes of the connection, in order (the client may retry and close again). */
  readonly closeCodes: number[] = [];
  connected = 0;

  private constructor(readonly client: Client) {}

  static open(
    url: string,
    connectionParams: Record<string, unknown> = {},
    options: { retryAttempts?: number; retryWait?: () => Promise<void> } = {},
  ): TestSocket {
    let socket: TestSocket | undefined = undefined;
    const client = createClient({
      url: `${url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams,
      retryAttempts: options.retryAttempts ?? 0,
      ...(options.retryWait ? { retryWait: options.retryWait } : {}),
      lazy: false,
      // Every close is recorded in closeCodes; the default would print the event.
      onNonLazyError: () => undefined,
      on: {
        connected: () => {
          socket!.connected += 1;
        },
        closed: (event) => {
          socket!.closeCodes.push((event as { code: number }).code);
        },
      },
    });
    socket = new TestSocket(client);
    return socket;
  }

  /** Starts an operation on this connection; its messages collect in the returned TestOperation. */
  run<T = any>(
    query: string,
    variables: Record<string, unknown> = {},
    operationName?: string,
  ): TestOperation<T> {
    const operation = new TestOperation<T>();
    operation.cancel = this.client.subscribe<T>(
      { query, variables, operationName },
      {
        next: (result) =>
          operation.push(() => operation.results.push(result as GraphQLResponse<T>)),
        error: (error) =>
          operation.push(() => {
            operation.errors = Array.isArray(error)
              ? (error as GraphQLResponse['errors'])
              : [{ message: error instanceof Error ? error.message : String(error) }];
          }),
        complete: () => operation.push(() => (operation.completed = true)),
      },
    );
    return operation;
  }

  /** Resolves when the client has connected `times` times in all. */
  async connectedTimes(times: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.connected < times) {
      if (Date.now() > deadline) throw new Error(`Not connected ${times} times in ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Resolves with the first close code, once the connection has closed. */
  async closed(timeoutMs = 5000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.closeCodes.length === 0) {
      if (Date.now() > deadline) throw new Error(`Still open after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.closeCodes[0];
  }

  close(): Promise<void> {
    return this.client.dispose() as Promise<void>;
  }
}
