import { GraphQLModule } from '@nestjs/graphql';
import { NestExpressApplication } from '@nestjs/platform-express';
import { EventEmitter } from 'node:events';
import { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';
import { AuthService } from '@app/accounts';
import { AppConfig } from '@app/config';
import { CloseCode } from './close-codes';
import { OpenSockets } from './open-sockets';

/** The client address of an upgrade request, kept on the request itself. */
const clientAddress = Symbol('clientAddress');

interface AddressedRequest extends IncomingMessage {
  [clientAddress]?: string;
}

/** The client address of a websocket upgrade, as worked out once for the per-address limit. */
export const upgradeAddress = (request: IncomingMessage): string | undefined =>
  (request as AddressedRequest)[clientAddress];

/**
 * Refuses a new socket (4431) when its address already holds `max` open ones, before graphql-ws
 * reads a message from it.
 */
function limitSocketsPerAddress(
  server: WebSocketServer,
  max: number,
  addressOf: (request: IncomingMessage) => string,
): void {
  const open = new OpenSockets();
  server.prependListener('connection', (socket: WebSocket, request: AddressedRequest) => {
    const address = (request[clientAddress] = addressOf(request));
    if (open.count(address) >= max) {
      socket.close(
        CloseCode.TooManySocketsForAddress,
        `Too many connections from this address (at most ${max})`,
      );
      return;
    }
    open.hold(address, socket);
  });
}

/** A socket's token bucket, kept on the socket itself: no object or closure per socket. */
const tokens = Symbol('tokens');
const refilledAt = Symbol('refilledAt');

interface MeteredSocket extends WebSocket {
  [tokens]: number;
  [refilledAt]: number;
}

/**
 * Closes a socket (4432) that sends more than `perSecond` messages on average, beyond a `burst`
 * (a token bucket per socket). Every message counts, pings and operations that finish at once
 * included, and one over the rate is dropped before graphql-ws parses it: ws hands messages to
 * its listeners through `emit`, which one function shared by every socket replaces.
 */
function limitMessagesPerSocket(server: WebSocketServer, perSecond: number, burst: number): void {
  function meteredEmit(this: MeteredSocket, event: string | symbol, ...args: unknown[]): boolean {
    if (event !== 'message') return EventEmitter.prototype.emit.call(this, event, ...args);
    if (this.readyState !== this.OPEN) return false;
    const now = Date.now();
    this[tokens] = Math.min(burst, this[tokens] + ((now - this[refilledAt]) * perSecond) / 1000);
    this[refilledAt] = now;
    if (this[tokens] < 1) {
      this.close(CloseCode.TooManyMessages, `Too many messages (at most ${perSecond} a second)`);
      return false;
    }
    this[tokens] -= 1;
    return EventEmitter.prototype.emit.call(this, event, ...args);
  }
  server.prependListener('connection', (socket: MeteredSocket) => {
    socket[tokens] = burst;
    socket[refilledAt] = Date.now();
    socket.emit = meteredEmit;
  });
}

/**
 * Limits of the websocket server itself, which Nest creates without them: the message size (ws
 * allows 100 MiB), sockets per address and messages per socket. The server reads its options at
 * each upgrade, so setting them after init applies to every connection.
 */
export function limitWebsocketServer(app: NestExpressApplication, config: AppConfig): void {
  const adapter = app.get(GraphQLModule).graphQlAdapter as unknown as {
    _subscriptionService?: { wss?: WebSocketServer };
  };
  const server = adapter._subscriptionService?.wss;
  if (!server) throw new Error('The graphql-ws server is missing; subscriptions would not work.');
  server.options.maxPayload = config.graphql.maxBodyBytes;
  const { maxMessagesPerSecond, messageBurst } = config.websocket;
  limitMessagesPerSocket(server, maxMessagesPerSecond, messageBurst);
  const auth = app.get(AuthService);
  limitSocketsPerAddress(server, config.websocket.maxSocketsPerAddress, (request) =>
    auth.clientAddress(request),
  );
}
