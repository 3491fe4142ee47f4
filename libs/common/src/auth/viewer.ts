import { RequestLoaders } from '../loaders/request-loaders';

export enum Role {
  MEMBER = 'MEMBER',
  PARTNER = 'PARTNER',
  ADMIN = 'ADMIN',
}

/** The signed-in account behind a request or websocket. */
export interface Viewer {
  readonly id: string;
  readonly role: Role;
}

/** The GraphQL context of every operation, over HTTP and over websockets. */
export interface RequestContext {
  readonly viewer: Viewer | undefined;
  /** Why a presented token was refused (expired, forged, suspended account). */
  readonly authProblem?: string;
  /** Replaced per event on subscriptions, so nothing stays cached for a socket's lifetime. */
  loaders: RequestLoaders;
  /** The client's address, for rate limits. */
  readonly ip: string;
}
