import { ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { Request } from 'express';
import { AuthService } from '@app/accounts';
import { DateTimeScalar, formatGraphQLError, OperationLimits, RequestContext } from '@app/common';
import { AppConfig } from '@app/config';
import { SocketRegistry } from '@app/realtime';
import { DevicesService } from '@app/see-it';
import { compiledQueries } from './compiled-queries';
import { describeRootTypes } from './root-types';
import { markParentReaders, sharedRenderingOptions } from './shared-rendering';
import { uncacheableResponses } from './uncacheable-responses';
import { websocketOptions } from './websocket.options';

/** The GraphQL server over HTTP (Apollo) and websockets (graphql-ws), with the same limits on both. */
export function graphqlOptions(
  auth: AuthService,
  config: AppConfig,
  devices: DevicesService,
  sockets: SocketRegistry,
  schema: GraphQLSchemaHost,
): ApolloDriverConfig {
  const production = config.nodeEnv === 'production';
  const limits = new OperationLimits(config.graphql);
  return {
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    // No landing page: a browser's GET /graphql gets the bundled explorer instead (web-app.ts),
    // which works offline where Apollo's sandbox loads from the internet.
    playground: false,
    introspection: true,
    // Clients send the whole query; a persistedQuery extension is PERSISTED_QUERY_NOT_SUPPORTED.
    persistedQueries: false,
    parseOptions: limits.parseOptions,
    validationRules: [...limits.validationRules],
    plugins: [
      limits.apolloPlugin(),
      ...uncacheableResponses(),
      ...(config.graphql.compiledQueries > 0
        ? [compiledQueries({ usesBeforeCompiling: 2, capacity: config.graphql.compiledQueries })]
        : []),
    ],
    includeStacktraceInErrorResponses: !production,
    formatError: (formatted, error) => formatGraphQLError(formatted, error, production),
    // Guards sit on operations; enhancers on every field would cost 5x on nested lists.
    fieldResolverEnhancers: [],
    // Every Date is the strict DateTime scalar, named as the contract says.
    buildSchemaOptions: {
      numberScalarMode: 'integer',
      scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    },
    transformSchema: (schema) => markParentReaders(describeRootTypes(schema)),
    // HTTP only (and POST /graphql is served by http/graphql-posts.ts, with the same context):
    // websocket operations get theirs from websocketOptions.
    context: ({ req }: { req: Request }): Promise<RequestContext> => auth.httpContext(req),
    subscriptions: {
      'graphql-ws': {
        ...websocketOptions({ auth, config, devices, sockets, schema, limits }),
        ...sharedRenderingOptions(),
      },
    },
  };
}
