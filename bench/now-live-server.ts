/**
 * One API process of the now-live burst across processes (bench/now-live-processes.ts): the
 * real API (`createApp`) with the configuration the parent sends, listening on a free loopback
 * port. It runs until the parent disconnects, then closes the app and exits.
 */
import 'reflect-metadata';
import { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '@app/config';
import { createApp } from '../apps/api/src/create-app';
import { answerParent } from './child-process';
import type { ServerCommand, ServerReply } from './now-live-protocol';

let app: Promise<NestExpressApplication> | undefined;

async function start(env: Record<string, string>): Promise<ServerReply> {
  if (app) throw new Error('Already started.');
  app = createApp(loadConfig(env), { url: env.DATABASE_URL }, ['error', 'warn']);
  const started = await app;
  await started.listen(0, '127.0.0.1');
  const { port } = started.getHttpServer().address() as { port: number };
  return { type: 'listening', port };
}

// When the parent is done (or gone): close the sockets and the pool, then leave.
answerParent<ServerCommand, ServerReply>(
  (command) => start(command.env),
  async () => {
    await (await app)?.close();
  },
);
