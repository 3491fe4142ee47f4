import { Logger, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppConfig } from '@app/config';
import { DatabaseOptions } from '@app/database';
import { AppModule } from './app.module';

export function logLevels(config: AppConfig): LogLevel[] {
  if (config.nodeEnv === 'test') return ['error'];
  return config.nodeEnv === 'production'
    ? ['log', 'warn', 'error']
    : ['log', 'warn', 'error', 'debug'];
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
  app.set('trust proxy', 'loopback');
  app.enableCors();
  Logger.flush();
  return app;
}
