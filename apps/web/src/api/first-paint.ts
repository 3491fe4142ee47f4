// The reads the first screen waits for, started by the entry script before the app's bundle has
// loaded and evaluated: `me` for every signed-in page, and the home timeline's first page on /.
// The client's fetch takes each response once instead of sending the same request again.
import { firstPaintQueries } from '../generated/first-paint';
import { isScreenMode, session } from './session';

type OperationName = keyof typeof firstPaintQueries;

const started = new Map<string, Promise<Response>>();
const keyOf = (operationName: unknown, variables: unknown): string =>
  `${String(operationName)} ${JSON.stringify(variables ?? {})}`;

function start(operationName: OperationName, token: string): void {
  const body = JSON.stringify({ operationName, query: firstPaintQueries[operationName] });
  const response = fetch('/graphql', {
    method: 'POST',
    headers: {
      accept: 'application/graphql-response+json, application/json',
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
    },
    body,
  });
  // Unclaimed (the app went elsewhere first), a failed read must not be an unhandled rejection.
  response.catch(() => undefined);
  started.set(keyOf(operationName, {}), response);
}

export function startFirstPaintReads(): void {
  const token = session.token();
  if (!token || isScreenMode()) return;
  start('Me', token);
  if (window.location.pathname === '/') start('HomeTimeline', token);
}

/**
 * The client's fetch: the response of a read already started for the same operation and
 * variables, once; otherwise the network.
 */
export function fetchOrFirstPaint(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  if (started.size > 0 && typeof init?.body === 'string') {
    const { operationName, variables } = JSON.parse(init.body) as {
      operationName?: unknown;
      variables?: unknown;
    };
    const key = keyOf(operationName, variables);
    const response = started.get(key);
    if (response) {
      started.delete(key);
      return response;
    }
  }
  return fetch(input, init);
}
