// The one GraphQL client: urql with graphcache's normalized cache over HTTP, and a graphql-ws
// socket for subscriptions that reconnects with backoff and jitter and resumes from cursors.
import { cacheExchange, type KeyingConfig } from '@urql/exchange-graphcache';
import type { IntrospectionQuery } from 'graphql';
import { createClient as createSocket } from 'graphql-ws';
import {
  Client,
  fetchExchange,
  stringifyDocument,
  subscriptionExchange,
  type TypedDocumentNode,
} from 'urql';
import introspection from '../generated/introspection.json';
import { fetchOrFirstPaint } from './first-paint';
import { isScreenMode, session } from './session';

const schema = introspection as unknown as IntrospectionQuery;

/** Types without an id are embedded in their parent instead of normalized. */
const keys: KeyingConfig = Object.fromEntries(
  schema.__schema.types
    .filter((type) => type.kind === 'OBJECT' && !type.fields.some((field) => field.name === 'id'))
    .map((type) => [type.name, () => null]),
);

const MAX_RETRY_MS = 30_000;
/** The API closes with this code for a token it will never accept: retrying cannot help. */
const TOKEN_REJECTED = 4403;
const closeCode = (event: unknown): number | undefined =>
  event && typeof event === 'object' && 'code' in event ? Number(event.code) : undefined;

/** Full jitter: a restarted server is not hit by every client at the same instant. */
async function backoff(retries: number): Promise<void> {
  const ceiling = Math.min(MAX_RETRY_MS, 500 * 2 ** retries);
  await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}

const socketUrl = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/graphql`;

export const socket = createSocket({
  url: socketUrl,
  connectionParams: () => {
    const deviceToken = session.deviceToken();
    if (isScreenMode() && deviceToken) return { deviceToken };
    const token = session.token();
    return token ? { authorization: `Bearer ${token}` } : {};
  },
  retryAttempts: Infinity,
  shouldRetry: (event) => closeCode(event) !== TOKEN_REJECTED,
  retryWait: backoff,
  keepAlive: 15_000,
});

export type SocketState = 'connecting' | 'connected' | 'reconnecting' | 'rejected';
let socketState: SocketState = 'connecting';
const stateListeners = new Set<(state: SocketState) => void>();
const reconnectListeners = new Set<() => void>();
function setSocketState(state: SocketState): void {
  socketState = state;
  for (const listener of stateListeners) listener(state);
}
socket.on('connected', (_socket, _payload, wasRetry) => {
  setSocketState('connected');
  if (wasRetry) for (const listener of reconnectListeners) listener();
});
socket.on('closed', (event) => {
  if (closeCode(event) === TOKEN_REJECTED) setSocketState('rejected');
  else if (socketState === 'connected') setSocketState('reconnecting');
});

export const socketEvents = {
  state: (): SocketState => socketState,
  onState(listener: (state: SocketState) => void): () => void {
    stateListeners.add(listener);
    return () => stateListeners.delete(listener);
  },
  /** After the socket came back: refetch what has no cursor to resume from. */
  onReconnect(listener: () => void): () => void {
    reconnectListeners.add(listener);
    return () => reconnectListeners.delete(listener);
  },
};

/**
 * Subscribes and keeps `after` at the cursor of the last message received. graphql-ws sends the
 * same payload object again on every reconnect, so the subscription resumes from that cursor:
 * the server replays what was missed, nothing twice.
 */
export function subscribeFromCursor<TData, TVariables extends { after?: string | null }>(
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  cursorOf: (data: TData) => string,
  sink: { next: (data: TData) => void; error: (message: string) => void },
): () => void {
  const payload = { query: stringifyDocument(document), variables: { ...variables } };
  return socket.subscribe<TData>(payload, {
    next: (result) => {
      if (result.errors?.length) sink.error(result.errors.map((error) => error.message).join(' '));
      if (!result.data) return;
      payload.variables.after = cursorOf(result.data);
      sink.next(result.data);
    },
    error: (error) =>
      sink.error(error instanceof Error ? error.message : 'The live stream failed.'),
    complete: () => undefined,
  });
}

export const client = new Client({
  url: '/graphql',
  // POST for every operation: the API refuses GET queries without a CSRF-safe header.
  preferGetMethod: false,
  fetch: fetchOrFirstPaint,
  fetchOptions: () => {
    const token = session.token();
    return token ? { headers: { authorization: `Bearer ${token}` } } : {};
  },
  exchanges: [
    cacheExchange({ schema, keys }),
    fetchExchange,
    subscriptionExchange({
      forwardSubscription: (request) => ({
        subscribe: (sink) => ({
          unsubscribe: socket.subscribe({ ...request, query: request.query ?? '' }, sink),
        }),
      }),
    }),
  ],
});
