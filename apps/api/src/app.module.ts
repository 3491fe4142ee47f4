import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { GraphQLModule, GraphQLWsSubscriptionsConfig } from '@nestjs/graphql';
import { Request } from 'express';
import {
  DocumentNode,
  execute,
  ExecutionArgs,
  GraphQLSchema,
  specifiedRules,
  subscribe,
  validate,
} from 'graphql';
import { Context, ServerOptions } from 'graphql-ws';
import { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { AccountsModule, AuthService } from '@app/accounts';
import { BroadcastsModule } from '@app/broadcasts';
import { MediaModule } from '@app/broadcasts/media';
import {
  CommonModule,
  costLimitPlugin,
  DateTimeScalar,
  operationCostError,
  depthLimitRule,
  DeviceIdentity,
  formatGraphQLError,
  InputPipe,
  RequestContext,
  RequestLoaders,
  SafeExceptionFilter,
  Viewer,
} from '@app/common';
import { APP_CONFIG, AppConfig, ConfigModule } from '@app/config';
import { DatabaseModule, DatabaseOptions } from '@app/database';
import { GraphModule } from '@app/graph';
import { ModerationModule } from '@app/moderation';
import { NotificationsModule } from '@app/notifications';
import { PostsModule } from '@app/posts';
import { RealtimeModule, SocketRegistry } from '@app/realtime';
import { DevicesService, SeeItModule } from '@app/see-it';
import { TimelineModule } from '@app/timeline';
import { HealthController } from './health.controller';

type WsContext = Context<Record<string, unknown> | undefined, unknown>;

/** What the websocket server keeps per connection (graphql-ws's `extra`). */
interface Connection {
  viewer?: Viewer;
  /** Set when connection_init carried a paired screen's deviceToken. */
  device?: DeviceIdentity;
  request: IncomingMessage;
  socket: WebSocket;
}

const connectionOf = (ctx: WsContext) => ctx.extra as Connection;

/** The socket keeps the HTTP rules: the same depth and cost limits, the same error format. */
function socketRules(
  config: AppConfig,
  production: boolean,
): Pick<ServerOptions, 'validate' | 'execute' | 'subscribe' | 'onNext' | 'onError'> {
  // The cost needs the variables, which validation does not see.
  const costError = (args: ExecutionArgs) =>
    operationCostError(
      args.schema,
      args.document,
      args.operationName,
      args.variableValues,
      config.graphql.maxCost,
    );
  return {
    validate: (schema: GraphQLSchema, document: DocumentNode) =>
      validate(schema, document, [...specifiedRules, depthLimitRule(config.graphql.maxDepth)]),
    execute: (args: ExecutionArgs) => {
      const error = costError(args);
      return error ? { errors: [error] } : execute(args);
    },
    subscribe: (args: ExecutionArgs) => {
      const error = costError(args);
      return error ? { errors: [error] } : subscribe(args);
    },
    onNext: (_ctx, _id, _payload, _args, result) =>
      result.errors
        ? {
            ...result,
            errors: result.errors.map((error) =>
              formatGraphQLError(error.toJSON(), error, production),
            ),
          }
        : result,
    // Parse and validation failures: the client's input.
    onError: (_ctx, _id, _payload, errors) =>
      errors.map((error) =>
        formatGraphQLError(
          { ...error.toJSON(), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
          error,
          production,
        ),
      ),
  };
}

/**
 * The context of one websocket operation. The account is checked again, as over HTTP, so an
 * account suspended or deleted since the socket opened can do nothing more on it.
 */
async function websocketContext(auth: AuthService, ctx: WsContext): Promise<RequestContext> {
  const { device, request, socket } = connectionOf(ctx);
  const { viewer, problem } = await auth.authenticate(ctx.connectionParams?.authorization);
  return {
    viewer,
    authProblem: problem,
    device,
    closeConnection: (code, reason) => socket.close(code, reason),
    loaders: new RequestLoaders(viewer?.id),
    ip: auth.clientAddress(request),
  };
}

function graphqlOptions(
  auth: AuthService,
  config: AppConfig,
  devices: DevicesService,
  sockets: SocketRegistry,
): ApolloDriverConfig {
  const production = config.nodeEnv === 'production';
  return {
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    playground: false,
    introspection: true,
    plugins: [
      costLimitPlugin(config.graphql.maxCost),
      ...(config.graphql.playground
        ? [ApolloServerPluginLandingPageLocalDefault({ embed: true })]
        : []),
    ],
    validationRules: [depthLimitRule(config.graphql.maxDepth)],
    includeStacktraceInErrorResponses: !production,
    formatError: (formatted, error) => formatGraphQLError(formatted, error, production),
    // Guards sit on operations; enhancers on every field would cost 5x on nested lists.
    fieldResolverEnhancers: [],
    // Every Date is the strict DateTime scalar, named as the contract says.
    buildSchemaOptions: {
      numberScalarMode: 'integer',
      scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    },
    // Called with { req } for HTTP, and with graphql-ws's context for each websocket operation.
    context: (arg: { req?: Request } | WsContext): Promise<RequestContext> | RequestContext => {
      if ('req' in arg && arg.req) {
        return auth.createContext(arg.req.headers.authorization, auth.clientAddress(arg.req));
      }
      return websocketContext(auth, arg as WsContext);
    },
    subscriptions: {
      'graphql-ws': {
        path: '/graphql',
        // The token travels in connection_init ({ authorization: "Bearer …" }), and a paired
        // screen's as { deviceToken }. A bad, forged or revoked one closes the socket with 4403;
        // none at all leaves an anonymous connection.
        onConnect: async (ctx: WsContext) => {
          const { viewer, problem } = await auth.authenticate(ctx.connectionParams?.authorization);
          if (problem) return false;
          const deviceToken = ctx.connectionParams?.deviceToken;
          if (deviceToken !== undefined) {
            const device = await devices.authenticate(deviceToken);
            if (!device) return false;
            connectionOf(ctx).device = device;
          }
          connectionOf(ctx).viewer = viewer;
          const owner = viewer?.id ?? connectionOf(ctx).device?.ownerId;
          if (owner) sockets.track(owner, connectionOf(ctx).socket);
          return true;
        },
        // Nest's type lists fewer graphql-ws hooks than it passes on.
        ...(socketRules(config, production) as GraphQLWsSubscriptionsConfig),
      },
    },
  };
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, database: DatabaseOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(database),
        CommonModule,
        RealtimeModule,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          imports: [AccountsModule, SeeItModule],
          inject: [AuthService, APP_CONFIG, DevicesService, SocketRegistry],
          useFactory: graphqlOptions,
        }),
        AccountsModule,
        GraphModule,
        PostsModule,
        BroadcastsModule,
        TimelineModule,
        MediaModule,
        NotificationsModule,
        SeeItModule,
        ModerationModule,
      ],
      controllers: [HealthController],
      providers: [
        { provide: APP_FILTER, useClass: SafeExceptionFilter },
        { provide: APP_PIPE, useValue: new InputPipe() },
      ],
    };
  }
}
