/**
 * The seeit contender of the peers bench: the real API (createApp), in its own process, on the
 * bench database. Records the statements of the requests it is asked to, through the same
 * TypeORM logger seam the tests count statements with.
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryRunner } from 'typeorm';
import { loadConfig } from '@app/config';
import { QueryCounter } from '@app/database';
import { createApp } from '../apps/api/src/create-app';
import { settingsFromEnv } from './peers-protocol';
import { profile } from './cpu-profile';
import { serveParent } from './peers-server-support';
import { sleep } from './support';

/** Records only between `record` and `recorded`, so a long run does not pile statements up. */
class RecordingCounter extends QueryCounter {
  recording = false;

  override logQuery(query: string, parameters?: unknown[], runner?: QueryRunner): void {
    if (this.recording) super.logQuery(query, parameters, runner);
  }
}

async function main(): Promise<void> {
  const settings = settingsFromEnv();
  const dataDir = mkdtempSync(join(tmpdir(), 'seeit-peers-'));
  const config = loadConfig({
    NODE_ENV: 'production',
    DATA_DIR: dataDir,
    DATABASE_URL: settings.databaseUrl,
    JWT_SECRET: settings.jwtSecret,
    MEDIA_HOOK_SECRET: settings.jwtSecret,
  });
  const queries = new RecordingCounter();
  const app = await createApp(
    config,
    { url: settings.databaseUrl, poolSize: settings.poolSize, logger: queries },
    ['error'],
  );
  await app.listen(0, '127.0.0.1');
  serveParent(
    (app.getHttpServer().address() as { port: number }).port,
    {
      start: () => {
        queries.reset();
        queries.recording = true;
      },
      stop: () => {
        queries.recording = false;
        return [...queries.statements];
      },
    },
    async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
    async (seconds, file) => (await profile(() => sleep(seconds * 1000), file)).summary,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
