import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { AppConfig, ConfigError, loadConfig, StartupError } from '@app/config';
import { RunningDatabase, startEmbeddedPostgres } from '@app/database';
import { createApp } from './create-app';

function readConfig(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

async function bootstrap(): Promise<void> {
  const config = readConfig();
  const logger = new Logger('seeit');
  let embedded: RunningDatabase | undefined;
  if (!config.databaseUrl) {
    logger.log(`No DATABASE_URL: starting the embedded PostgreSQL in ${config.dataDir}`);
    embedded = await startEmbeddedPostgres(config.dataDir);
  }
  const app = await createApp(config, { url: config.databaseUrl ?? embedded!.url });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: shutting down`);
    await app.close();
    await embedded?.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  await app.listen(config.port, config.host);
  logger.log(`GraphQL API on ${await app.getUrl()}/graphql (public URL ${config.publicUrl})`);
}

bootstrap().catch((error: unknown) => {
  // What the operator must fix is said in a sentence; anything else is a bug, with its stack.
  console.error(error instanceof StartupError ? error.message : error);
  process.exit(1);
});
