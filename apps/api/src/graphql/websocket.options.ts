import { Logger } from '@nestjs/common';
import { GraphQLSchemaHost, GraphQLWsSubscriptionsConfig } from '@nestjs/graphql';
import { ExecutionArgs, GraphQLError } from 'graphql';
import { Context, ServerOptions, SubscribePayload } from 'graphql-ws';
import { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { AuthService } from '@app/accounts';
import {
  DeviceIdentity,
  formatGraphQLError,
  OperationLimits,
  operationInputError,
  RequestContext,
  RequestLoaders,
  Viewer,
} from '@app/common';
import { AppConfig } from '@app/config';
import { SocketRegistry } from '@app/realtime';
import { DevicesService } from '@app/see-it';
import { CloseCode } from './close-codes';
import { OpenSockets } from './open-sockets';
import { OperationDocuments } from './operation-documents';
import { upgradeAddress } from './websocket-server';

type WsContext = Context<Record<string, unknown> | undefined, unknown>;

/**
 * What the websocket server keeps per connection (graphql-ws's `extra`). The upgrade request is
 * dropped once the client address is read from it: a socket lives for hours, the request's
 * headers and buffers need not.
 */
interface Connection {
  viewer?: Viewer;
  /** When the viewer's token expires (ms since the epoch): its operations run signed out after. */
  expiresAt?: number;
  /** Set when connection_init carried a paired screen's deviceToken. */
  device?: DeviceIdentity;
  ip?: string;
  request?: IncomingMessage;
  socket: WebSocket;
}

const connectionOf = (ctx: WsContext) => ctx.extra as Connection;

/**
 * The context of one websocket operation. Its loaders are made on first use: a subscription
 * resolves each event with the loaders it was delivered with, so an idle one never needs its own.
 */
class SocketOperationContext implements RequestContext {
  private ownLoaders?: RequestLoaders;

  constructor(
    readonly viewer: Viewer | undefined,
    readonly authProblem: string | undefined,
    readonly device: DeviceIdentity | undefined,
    readonly ip: string,
    private readonly socket: WebSocket,
  ) {}

  get loaders(): RequestLoaders {
    return (this.ownLoaders ??= new RequestLoaders(this.viewer?.id));
  }

  set loaders(loaders: RequestLoaders) {
    this.ownLoaders = loaders;
  }

  /** After each event: its loaders and their cached rows are not kept until the next one. */
  releaseLoaders(): void {
    this.ownLoaders = undefined;
  }

  closeConnection(code: number, reason: string): void {
    this.socket.close(code, reason);
  }
}

export interface WebsocketDependencies {
  auth: AuthService;
  config: AppConfig;
  devices: DevicesService;
  sockets: SocketRegistry;
  schema: GraphQLSchemaHost;
  limits: OperationLimits;
}

const log = new Logger('Websocket');

/** AuthService's words for an expired token. */
const SESSION_EXPIRED = 'Your session has expired. Sign in again.';

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Closes the socket with `code`. graphql-ws then closes it again with 4403, which ws ignores on a
 * socket already closing: the client sees `code`.
 */
function refuse(ctx: WsContext, code: number, reason: string): false {
  connectionOf(ctx).socket.close(code, reason);
  return false;
}

/**
 * The `authorization` of a connection_init payload. Its key is read in any case, like an HTTP
 * header's; several keys differing only in case give all their values, which authenticate
 * refuses as it refuses any value that is not a string.
 */
function authorizationOf(params: WsContext['connectionParams']): unknown {
  if (!params) return undefined;
  const values = Object.keys(params)
    .filter((key) => key.toLowerCase() === 'authorization')
    .map((key) => params[key]);
  return values.length > 1 ? values : values[0];
}

/**
 * The graphql-ws server: authentication at connection_init, and for each operation the same
 * limits as over HTTP (OperationLimits), checked before anything runs. Whatever the client sent
 * wrong is an `error` message for that operation; the socket and its other operations stay up.
 *
 * A socket is authenticated once, at connection_init. Its operations run as that viewer until
 * the token expires; an account suspended or deleted meanwhile loses the socket itself
 * (SocketRegistry closes it with 4403 on every process), so no operation needs the account
 * looked up again.
 */
export function websocketOptions(deps: WebsocketDependencies): GraphQLWsSubscriptionsConfig {
  const { auth, config, devices, sockets, schema, limits } = deps;
  const production = config.nodeEnv === 'production';
  // The caps per account and per paired screen; SocketRegistry tracks sockets by account only.
  const perOwner = new OpenSockets();
  const documents = new OperationDocuments(schema, limits);

  /**
   * The token travels in connection_init ({ authorization: "Bearer …" }), and a paired screen's
   * as { deviceToken }. A bad, forged or revoked one, or an authorization that is not a bearer
   * token, closes the socket with 4403; none at all leaves an anonymous connection.
   */
  const onConnect = async (ctx: WsContext): Promise<boolean> => {
    const connection = connectionOf(ctx);
    if (connection.request) connection.ip = upgradeAddress(connection.request);
    connection.request = undefined;
    let viewer: Viewer | undefined;
    try {
      const authenticated = await auth.authenticate(authorizationOf(ctx.connectionParams));
      if (authenticated.problem) return refuse(ctx, CloseCode.Forbidden, 'Forbidden');
      viewer = authenticated.viewer;
      connection.expiresAt = authenticated.expiresAt;
      const deviceToken = ctx.connectionParams?.deviceToken;
      if (deviceToken !== undefined) {
        const device = await devices.authenticate(deviceToken);
        if (!device) return refuse(ctx, CloseCode.Forbidden, 'Forbidden');
        connection.device = device;
      }
    } catch (error) {
      // The database is unreachable: a code the client retries, not graphql-ws's fatal 4500.
      log.warn(`Refused a websocket for now: ${reasonOf(error)}`);
      return refuse(ctx, CloseCode.TryAgainLater, 'Try again later');
    }
    connection.viewer = viewer;
    // Operations run as the viewer found here: the bearer token need not stay in memory.
    (ctx as { connectionParams?: unknown }).connectionParams = undefined;
    const { device } = connection;
    // A paired screen has a cap of its own: an owner's screens (up to MAX_DEVICES of them) never
    // crowd out the owner's own apps.
    const capped = viewer
      ? { key: `account:${viewer.id}`, max: config.websocket.maxSocketsPerAccount, of: 'account' }
      : device && {
          key: `device:${device.id}`,
          max: config.websocket.maxSocketsPerDevice,
          of: 'device',
        };
    if (capped) {
      if (perOwner.count(capped.key) >= capped.max) {
        return refuse(
          ctx,
          CloseCode.TooManySocketsForAccount,
          `Too many connections for this ${capped.of} (at most ${capped.max})`,
        );
      }
      perOwner.hold(capped.key, connection.socket);
    }
    // Under the account as well, so suspending or deleting it closes its screens' sockets too.
    const owner = viewer?.id ?? device?.ownerId;
    if (owner) sockets.track(owner, connection.socket);
    return true;
  };

  const onSubscribe = (
    ctx: WsContext,
    _id: string,
    payload: SubscribePayload,
  ): ExecutionArgs | readonly GraphQLError[] => {
    // graphql-ws registers the operation before asking: this one is included.
    const open = Object.keys(ctx.subscriptions).length;
    const max = config.websocket.maxOperationsPerSocket;
    if (open > max) {
      return [
        operationInputError(
          `This connection already runs ${max} operations, the most allowed. Complete one first.`,
          { extensions: { limit: max } },
        ),
      ];
    }
    const { document, errors } = documents.check(payload.query);
    if (errors) return errors;
    const inputErrors = limits.inputErrors(
      schema.schema,
      document,
      payload.operationName,
      payload.variables,
    );
    if (inputErrors) return 'cost' in inputErrors ? [inputErrors.cost] : inputErrors.input;
    const { viewer, expiresAt, device, ip, socket } = connectionOf(ctx);
    // As over HTTP, an expired token signs the operation out; those already running go on.
    const expired = expiresAt !== undefined && Date.now() >= expiresAt;
    return {
      schema: schema.schema,
      document,
      operationName: payload.operationName,
      variableValues: payload.variables,
      contextValue: new SocketOperationContext(
        expired ? undefined : viewer,
        expired ? SESSION_EXPIRED : undefined,
        device,
        ip ?? '',
        socket,
      ),
    };
  };

  const options: Pick<ServerOptions, 'onConnect' | 'onSubscribe' | 'onNext' | 'onError'> = {
    onConnect,
    onSubscribe,
    onNext: (_ctx, _id, _payload, args, result) => {
      if (args.contextValue instanceof SocketOperationContext) args.contextValue.releaseLoaders();
      return result.errors
        ? {
            ...result,
            errors: result.errors.map((error) =>
              formatGraphQLError(error.toJSON(), error, production),
            ),
          }
        : result;
    },
    // Errors before execution carry their code (from onSubscribe, or graphql-ws's "Unable to
    // identify operation": the client's too); a failing event stream carries its cause.
    onError: (_ctx, _id, _payload, errors) =>
      errors.map((error) => {
        const formatted = error.toJSON();
        const code = error.extensions.code ?? (error.originalError ? undefined : 'BAD_REQUEST');
        return formatGraphQLError(
          { ...formatted, extensions: { ...formatted.extensions, code } },
          error,
          production,
        );
      }),
  };
  return { path: '/graphql', ...options };
}
