import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

interface GraphQLResult<T> {
  data?: T | null;
  errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
}

function failOnErrors<T>(operation: string, result: GraphQLResult<T>): T {
  if (result.errors?.length) {
    throw new Error(`${operation} failed: ${JSON.stringify(result.errors)}`);
  }
  return result.data as T;
}

/** What a client of the public API does: operations over HTTP, subscriptions over graphql-ws. */
export class TourClient {
  private readonly sockets: Client[] = [];

  constructor(private readonly baseUrl: string) {}

  /** Runs a query or mutation; the token goes in the Authorization header. Throws on errors. */
  async request<T = any>(
    query: string,
    variables: Record<string, unknown> = {},
    token?: string,
  ): Promise<T> {
    const response = await fetch(`${this.baseUrl}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    // Parsed here rather than by response.json(), so the objects belong to the caller's realm
    // (jest runs tests in a vm context of their own) and compare equal to its literals.
    return failOnErrors(query, JSON.parse(await response.text()) as GraphQLResult<T>);
  }

  /**
   * Opens a subscription on a websocket of its own. `connectionParams` is the connection_init
   * payload: `{ authorization: 'Bearer <token>' }` for an account, `{ deviceToken }` for a screen.
   */
  async subscribe<T = any>(
    query: string,
    variables: Record<string, unknown>,
    connectionParams: Record<string, unknown>,
  ): Promise<TourSubscription<T>> {
    const socket = createClient({
      url: `${this.baseUrl.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams,
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => undefined,
    });
    this.sockets.push(socket);
    const subscription = new TourSubscription<T>(query);
    socket.subscribe<T>({ query, variables }, subscription);
    // graphql-ws does not acknowledge a subscribe: give the server a moment to register it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    return subscription;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets.splice(0)) await socket.dispose();
  }
}

/** The results of one subscription, in order; `next` waits for the next one. */
export class TourSubscription<T> {
  private readonly queued: GraphQLResult<T>[] = [];
  private waiting?: (result: GraphQLResult<T>) => void;

  constructor(private readonly query: string) {}

  next = (result: GraphQLResult<T>): void => {
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) waiting(result);
    else this.queued.push(result);
  };

  error = (error: unknown): void => {
    this.next({ errors: [{ message: error instanceof Error ? error.message : String(error) }] });
  };

  complete = (): void => {
    this.next({ errors: [{ message: 'the subscription ended' }] });
  };

  /** The data of the next result; throws on errors or after `timeoutMs`. */
  async receive(timeoutMs = 5000): Promise<T> {
    const queued = this.queued.shift();
    const result =
      queued ??
      (await new Promise<GraphQLResult<T>>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.waiting = undefined;
          reject(new Error(`Nothing received within ${timeoutMs} ms on ${this.query}`));
        }, timeoutMs);
        this.waiting = (result) => {
          clearTimeout(timer);
          resolve(result);
        };
      }));
    return failOnErrors(this.query, result);
  }

  /** The next result that `matches`, skipping the others. */
  async receiveMatching(matches: (data: T) => boolean, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const data = await this.receive(Math.max(1, deadline - Date.now()));
      if (matches(data)) return data;
    }
  }
}
