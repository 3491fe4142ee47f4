/**
 * One API process of the now-live burst across processes (bench/now-live-processes.ts): the
 * real API (`createApp`) with the configuration the parent sends, listening on a free loopback
 * port. It runs until the parent disconnects, then closes the app and exits.
 */
import 'reflect-metadata';
import { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '@app/config';
import { createApp } from '../apps/api/src/create-app';
import type { ServerCommand, ServerReply } from './now-live-protocol';

async function start(env: Record<string, string>): Promise<NestExpressApplication> {
  const config = loadConfig(env);
  const app = await createApp(config, { url: env.DATABASE_URL }, ['error', 'warn']);
  await app.listen(0, '127.0.0.1');
  return app;
}

function main(): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error('Run by bench/now-live-processes.ts (needs an IPC channel).');
  let app: Promise<NestExpressApplication> | undefined;
  process.on('message', (command: ServerCommand) => {
    if (command.type !== 'start' || app) return;
    app = start(command.env);
    app.then(
      (started) => {
        const { port } = started.getHttpServer().address() as { port: number };
        send({ type: 'listening', port } satisfies ServerReply);
      },
      (error: unknown) =>
        send({
          type: 'failed',
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        } satisfies ServerReply),
    );
  });
  // The parent is done (or gone): close the sockets and the pool, then leave.
  process.on('disconnect', () => {
    const closing = app?.then((started) => started.close()) ?? Promise.resolve();
    closing.finally(() => process.exit(0)).catch(() => process.exit(1));
  });
}

main();
