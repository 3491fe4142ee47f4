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

/** A paired screen, on a websocket that presented its deviceToken. */
export interface DeviceIdentity {
  readonly id: string;
  readonly ownerId: string;
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
  /** Websockets only: the paired screen the socket authenticated as, if any. */
  readonly device?: DeviceIdentity;
  /** Websockets only: closes the socket (e.g. 4403 once its device is unpaired). */
  readonly closeConnection?: (code: number, reason: string) => void;
}

/** Whether `viewer` may moderate what `ownerId` made (delete, end, remove): its owner or an admin. */
export function canModerate(viewer: Viewer | undefined, ownerId: string): boolean {
  return !!viewer && (viewer.id === ownerId || viewer.role === Role.ADMIN);
}
