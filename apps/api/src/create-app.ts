import { Logger, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { ApolloDriver } from '@nestjs/apollo';
import { GraphQLModule } from '@nestjs/graphql';
import { AuthService } from '@app/accounts';
import { assertRedisReachable } from '@app/common';
import { AppConfig } from '@app/config';
import { assertDatabaseUsable, DatabaseOptions } from '@app/database';
import { AppModule } from './app.module';
import { limitWebsocketServer } from './graphql/websocket-server';
import { serveGraphqlPosts } from './http/graphql-posts';
import { JsonBody } from './http/json-body';
import { webApp } from './http/web-app';

export function logLevels(config: AppConfig): LogLevel[] {
  if (config.nodeEnv === 'test') return ['error'];
  return config.nodeEnv === 'production'
    ? ['log', 'warn', 'error']
    : ['log', 'warn', 'error', 'debug'];
}

/**
 * The one HTTP + websocket process, configured but not yet listening. Logs at the levels of
 * `logLevels`, unless given a logger (tests keep what their apps log).
 */
export async function createApp(
  config: AppConfig,
  database: DatabaseOptions,
  logger: LoggerService | LogLevel[] = logLevels(config),
): Promise<NestExpressApplication> {
  await Promise.all([
    assertDatabaseUsable(database.url),
    config.redisUrl ? assertRedisReachable(config.redisUrl) : undefined,
  ]);
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config, database),
    {
      bodyParser: false,
      logger,
      // A failed start rejects (the caller reports it and exits) instead of aborting the process.
      abortOnError: false,
    },
  );
  // First, so that an answer to a body the parser refuses is readable cross-origin too.
  app.enableCors();
  const body = new JsonBody(config.graphql.maxBodyBytes);
  app.use(body.parse);
  app.use(body.refusals());
  // X-Forwarded-For is read by clientAddress, as TRUST_PROXY allows, not by express.
  app.set('trust proxy', false);
  app.disable('x-powered-by');
  // No ETag on bodies express sends itself (GraphQL answers, health, error pages): nothing
  // revalidates them (GraphQL answers are no-store), and hashing each body costs every request.
  // The web app's files get theirs from express.static.
  app.set('etag', false);
  app.use(webApp(config));
  await app.init();
  const auth = app.get(AuthService);
  serveGraphqlPosts(app.getHttpServer(), app.getHttpAdapter().getInstance(), {
    apollo: app.get<GraphQLModule<ApolloDriver>>(GraphQLModule).graphQlAdapter.instance,
    body,
    context: (request) => auth.httpContext(request),
  });
  limitWebsocketServer(app, config);
  Logger.flush();
  return app;
}
