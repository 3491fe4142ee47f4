import { Logger, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { NestExpressApplication } from '@nestjs/platform-express';
import { WebSocketServer } from 'ws';
import { AppConfig } from '@app/config';
import { DatabaseOptions } from '@app/database';
import { AppModule } from './app.module';

export function logLevels(config: AppConfig): LogLevel[] {
  if (config.nodeEnv === 'test') return ['error'];
  return config.nodeEnv === 'production'
    ? ['log', 'warn', 'error']
    : ['log', 'warn', 'error', 'debug'];
}

/**
 * Nest creates the graphql-ws server without a frame limit (ws allows 100 MiB). The server reads
 * its options at each upgrade, so setting the limit after init applies to every connection.
 */
function limitWebsocketMessages(app: NestExpressApplication, maxBytes: number): void {
  const adapter = app.get(GraphQLModule).graphQlAdapter as unknown as {
    _subscriptionService?: { wss?: WebSocketServer };
  };
  const server = adapter._subscriptionService?.wss;
  if (!server) throw new Error('The graphql-ws server is missing; subscriptions would not work.');
  server.options.maxPayload = maxBytes;
}

/** The one HTTP + websocket process, configured but not yet listening. */
export async function createApp(
  config: AppConfig,
  database: DatabaseOptions,
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config, database),
    {
      bodyParser: false,
      logger: logLevels(config),
    },
  );
  app.useBodyParser('json', { limit: config.graphql.maxBodyBytes });
  // X-Forwarded-For is read by clientAddress, as TRUST_PROXY allows, not by express.
  app.set('trust proxy', false);
  app.enableCors();
  await app.init();
  limitWebsocketMessages(app, config.graphql.maxBodyBytes);
  Logger.flush();
  return app;
}
