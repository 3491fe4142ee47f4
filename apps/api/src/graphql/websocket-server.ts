import { GraphQLModule } from '@nestjs/graphql';
import { NestExpressApplication } from '@nestjs/platform-express';
import { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';
import { AuthService } from '@app/accounts';
import { AppConfig } from '@app/config';
import { CloseCode } from './close-codes';

/**
 * Refuses a new socket (4431) when its address already holds `max` open ones, before graphql-ws
 * reads a message from it.
 */
function limitSocketsPerAddress(
  server: WebSocketServer,
  max: number,
  addressOf: (request: IncomingMessage) => string,
): void {
  const open = new Map<string, number>();
  server.prependListener('connection', (socket: WebSocket, request: IncomingMessage) => {
    const address = addressOf(request);
    const count = open.get(address) ?? 0;
    if (count >= max) {
      socket.close(
        CloseCode.TooManySocketsForAddress,
        `Too many connections from this address (at most ${max})`,
      );
      return;
    }
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
}

/**
 * Limits of the websocket server itself, which Nest creates without them: the message size (ws
 * allows 100 MiB) and sockets per address. The server reads its options at each upgrade, so
 * setting them after init applies to every connection.
 */
export function limitWebsocketServer(app: NestExpressApplication, config: AppConfig): void {
  const adapter = app.get(GraphQLModule).graphQlAdapter as unknown as {
    _subscriptionService?: { wss?: WebSocketServer };
  };
  const server = adapter._subscriptionService?.wss;
  if (!server) throw new Error('The graphql-ws server is missing; subscriptions would not work.');
  server.options.maxPayload = config.graphql.maxBodyBytes;
  const auth = app.get(AuthService);
  limitSocketsPerAddress(server, config.websocket.maxSocketsPerAddress, (request) =>
    auth.clientAddress(request),
  );
}
