import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '@app/config';
import { PostgresProcess, testLogs, TestSocket } from '@app/testing';
import { createApp } from '../apps/api/src/create-app';

/**
 * A websocket that connects while PostgreSQL is down is closed with a code the official
 * graphql-ws client retries (1013), so it connects once PostgreSQL is back.
 */
describe('websocket while PostgreSQL is down', () => {
  let pg: PostgresProcess;
  let app: NestExpressApplication;
  let url: string;
  const dataDir = mkdtempSync(join(tmpdir(), 'seeit-test-'));

  beforeAll(async () => {
    pg = await PostgresProcess.start();
    const config = loadConfig({
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      JWT_SECRET: 'test-secret-test-secret-test-secret-!!',
      DATABASE_URL: pg.url,
    });
    app = await createApp(config, { url: pg.url, poolSize: 2 }, testLogs);
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await app?.close();
    testLogs.flush();
    await pg?.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('closes with 1013, the client retries, and it succeeds once PostgreSQL is back', async () => {
    const signUp = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `mutation { signUp(input: { handle: "patient", email: "patient@example.com",
          password: "correct horse battery" }) { token user { handle } } }`,
      }),
    });
    const { data } = (await signUp.json()) as { data: { signUp: { token: string } } };
    await pg.stop();

    const socket = TestSocket.open(
      url,
      { authorization: `Bearer ${data.signUp.token}` },
      { retryAttempts: 50, retryWait: () => new Promise((resolve) => setTimeout(resolve, 200)) },
    );
    try {
      expect(await socket.closed(10_000)).toBe(1013);
      expect(socket.connected).toBe(0);
      await pg.restart();
      await socket.connectedTimes(1, 30_000);
      expect(socket.closeCodes.every((code) => code === 1013)).toBe(true);
      const me = await socket.run('{ me { handle } }').until((op) => op.completed, 10_000);
      expect(me.results).toEqual([{ data: { me: { handle: 'patient' } } }]);
    } finally {
      await socket.close();
    }
  });
});
