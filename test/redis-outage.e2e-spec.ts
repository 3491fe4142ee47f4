import { NestExpressApplication } from '@nestjs/platform-express';
import Redis from 'ioredis';
import { EventBus } from '@app/realtime';
import {
  redisServerInstalled,
  serviceAvailable,
  TestApp,
  TestRedisServer,
  TestSubscription,
  TestUser,
} from '@app/testing';

const available = serviceAvailable(
  'redis-server',
  redisServerInstalled(),
  'The Redis fault tests start their own redis-server (Debian: apt-get install redis-server).',
);

const UPDATES = `subscription { timelineUpdates { kind item { ... on Post { text } } } }`;

interface Health {
  status: string;
  bus?: string;
}

async function health(url: string): Promise<{ code: number; body: Health }> {
  const response = await fetch(`${url}/health`);
  return { code: response.status, body: (await response.json()) as Health };
}

/** Polls /health until it says `status` (the bus notices a lost or returning Redis by itself). */
async function untilHealth(url: string, status: string): Promise<{ code: number; body: Health }> {
  for (let waited = 0; ; waited += 100) {
    const answer = await health(url);
    if (answer.body.status === status) return answer;
    if (waited > 15_000) throw new Error(`/health still says ${JSON.stringify(answer.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Whether `work` settles within `ms`: a mutation must not wait on the bus. */
async function settlesWithin<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Like TestApp.ok, through another process. */
async function okOn(url: string, query: string, variables: Record<string, unknown>, token: string) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const result = (await response.json()) as { data?: unknown; errors?: unknown[] };
  if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data;
}

/** Resolves once `check` holds, polling; fails after 10 s. */
async function until(what: string, check: () => boolean): Promise<void> {
  for (let waited = 0; !check(); waited += 50) {
    if (waited > 10_000) throw new Error(`Still not: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const CREATE_POST = `mutation($text: String!) { createPost(input: { text: $text }) { id } }`;

/** Two API processes, one PostgreSQL, and a Redis of the test's own that it kills and restarts. */
(available ? describe : describe.skip)('a Redis outage', () => {
  let redis: TestRedisServer;
  let a: TestApp;
  let b: { app: NestExpressApplication; url: string };
  beforeAll(async () => {
    redis = await TestRedisServer.start();
    a = await TestApp.start({ REDIS_URL: redis.url });
    b = await a.startSibling({ REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await b?.app.close();
    await a?.close();
    await redis?.stop();
  });

  it('neither blocks mutations nor loses committed updates, and /health says degraded meanwhile', async () => {
    const [reader, writer, host]: TestUser[] = [
      await a.signUp(),
      await a.signUp(),
      await a.signUp(),
    ];
    await a.ok(
      `mutation($id: ID!) { follow(userId: $id) { id } }`,
      { id: writer.id },
      reader.token,
    );
    const onB = await TestSubscription.open<{
      timelineUpdates: { kind: string; item: { text: string } | null };
    }>(
      `${b.url.replace('http', 'ws')}/graphql`,
      UPDATES,
      {},
      {
        authorization: `Bearer ${reader.token}`,
      },
    );
    const started = await a.ok(
      `mutation { startBroadcast(input: { title: "outage" }) { id } }`,
      {},
      host.token,
    );
    const eventsOnB = await TestSubscription.open<{
      broadcastEvents: { kind: string; broadcast: { status: string } };
    }>(
      `${b.url.replace('http', 'ws')}/graphql`,
      `subscription($id: ID!) { broadcastEvents(broadcastId: $id) { kind broadcast { status } } }`,
      { id: started.startBroadcast.id },
      { authorization: `Bearer ${reader.token}` },
    );
    const notificationsOnB = await TestSubscription.open<{
      notificationAdded: { kind: string; post: { text: string } | null };
    }>(
      `${b.url.replace('http', 'ws')}/graphql`,
      `subscription { notificationAdded { kind post { text } } }`,
      {},
      { authorization: `Bearer ${reader.token}` },
    );
    expect(await health(a.url)).toEqual({ code: 200, body: { status: 'ok' } });

    await redis.stop();
    expect(await untilHealth(a.url, 'degraded')).toEqual({
      code: 200,
      body: { status: 'degraded', bus: 'down' },
    });
    expect((await untilHealth(b.url, 'degraded')).code).toBe(200);

    // Committed while nothing can be pushed; the mutations answer at once all the same.
    await settlesWithin(
      2000,
      a.ok(
        `mutation($text: String!) { createPost(input: { text: $text }) { id } }`,
        { text: `during the outage @${reader.handle}` },
        writer.token,
      ),
    );
    await settlesWithin(
      2000,
      a.ok(
        `mutation($id: ID!) { endBroadcast(id: $id) { id } }`,
        { id: started.startBroadcast.id },
        host.token,
      ),
    );
    // Absence during the outage is the point, and nothing can be pushed to mark it: wait.
    await onB.nothingFor(300);
    expect(eventsOnB.results).toEqual([]);
    expect(notificationsOnB.results).toEqual([]);

    await redis.resume();
    await untilHealth(a.url, 'ok');
    await untilHealth(b.url, 'ok');
    // B re-read the log when the bus came back: the post committed in the outage arrives.
    expect((await onB.nextData(10_000)).timelineUpdates).toEqual({
      kind: 'ADDED',
      item: { text: `during the outage @${reader.handle}` },
    });
    // And so did its notifications: the mention made in the outage is pushed, once.
    expect((await notificationsOnB.nextData()).notificationAdded).toEqual({
      kind: 'MENTIONED',
      post: { text: `during the outage @${reader.handle}` },
    });
    const after = `after the outage @${reader.handle}`;
    await notificationsOnB.nothingBefore(
      () => a.ok(CREATE_POST, { text: after }, writer.token),
      (data) => data.notificationAdded.post?.text === after,
    );
    await notificationsOnB.close();
    expect((await onB.nextData()).timelineUpdates).toEqual({
      kind: 'ADDED',
      item: { text: after },
    });
    await onB.nothingBefore(
      () => a.ok(CREATE_POST, { text: 'marker' }, writer.token),
      (data) => data.timelineUpdates.item?.text === 'marker',
    );
    await onB.close();
    // The broadcast ended in the outage: its watchers on B are told once the bus is back.
    expect((await eventsOnB.nextData()).broadcastEvents).toEqual({
      kind: 'ENDED',
      broadcast: { status: 'ENDED' },
    });
    await eventsOnB.close();
  });

  it('ends the streams of broadcasts canceled or deleted in the outage, and closes the sockets of accounts suspended or deleted meanwhile', async () => {
    const [watcher, canceling, leaving, suspended, admin]: TestUser[] = [
      await a.signUp(),
      await a.signUp(),
      await a.signUp(),
      await a.signUp(),
      await a.signUp(),
    ];
    await a.sql(`UPDATE users SET role = 'ADMIN' WHERE handle = $1`, [admin.handle]);
    const scheduled = await a.ok(
      `mutation($at: DateTime!) { startBroadcast(input: { title: "later", scheduledFor: $at }) { id } }`,
      { at: new Date(Date.now() + 86_400_000).toISOString() },
      canceling.token,
    );
    const live = await a.ok(
      `mutation { startBroadcast(input: { title: "gone" }) { id } }`,
      {},
      leaving.token,
    );
    const ws = `${b.url.replace('http', 'ws')}/graphql`;
    const EVENTS = `subscription($id: ID!) { broadcastEvents(broadcastId: $id) { kind broadcast { status } } }`;
    const onCanceled = await TestSubscription.open<{
      broadcastEvents: { kind: string; broadcast: { status: string } };
    }>(
      ws,
      EVENTS,
      { id: scheduled.startBroadcast.id },
      { authorization: `Bearer ${watcher.token}` },
    );
    const onDeleted = await TestSubscription.open(
      ws,
      EVENTS,
      { id: live.startBroadcast.id },
      { authorization: `Bearer ${watcher.token}` },
    );
    const ofSuspended = await TestSubscription.open(
      ws,
      `subscription { notificationAdded { kind } }`,
      {},
      { authorization: `Bearer ${suspended.token}` },
    );
    const ofLeaving = await TestSubscription.open(
      ws,
      `subscription { notificationAdded { kind } }`,
      {},
      { authorization: `Bearer ${leaving.token}` },
    );

    await redis.stop();
    await untilHealth(b.url, 'degraded');
    await a.ok(
      `mutation($id: ID!) { cancelBroadcast(id: $id) { id } }`,
      { id: scheduled.startBroadcast.id },
      canceling.token,
    );
    await a.ok(
      `mutation($id: ID!) { suspendUser(userId: $id) { id } }`,
      { id: suspended.id },
      admin.token,
    );
    await a.ok(`mutation { deleteAccount(password: "correct horse battery") }`, {}, leaving.token);
    // Absence during the outage is the point, and nothing can be pushed to mark it: wait.
    await onCanceled.nothingFor(300);
    expect(ofSuspended.isEnded || ofLeaving.isEnded || onDeleted.isEnded).toBe(false);

    await redis.resume();
    await untilHealth(b.url, 'ok');
    expect((await onCanceled.nextData(10_000)).broadcastEvents).toEqual({
      kind: 'ENDED',
      broadcast: { status: 'CANCELED' },
    });
    await until("the deleted broadcast's stream ended", () => onDeleted.isEnded);
    await until("the suspended account's socket closed", () => ofSuspended.isEnded);
    await until("the deleted account's socket closed", () => ofLeaving.isEnded);
    expect([ofSuspended.closeCode, ofLeaving.closeCode]).toEqual([4403, 4403]);
    await onCanceled.close();
    await onDeleted.close();
  });

  it('pushes what one process dropped though another kept publishing to the same recipient', async () => {
    const [reader, viaA, viaB]: TestUser[] = [await a.signUp(), await a.signUp(), await a.signUp()];
    const onB = await TestSubscription.open<{
      notificationAdded: { kind: string; post: { text: string } | null };
    }>(
      `${b.url.replace('http', 'ws')}/graphql`,
      `subscription { notificationAdded { kind post { text } } }`,
      {},
      { authorization: `Bearer ${reader.token}` },
    );
    // A's publisher drops its messages (its Redis connection failing alone); B's keep going.
    const busA = a.app.get(EventBus);
    const dropping = jest.spyOn(busA, 'publish').mockResolvedValue(undefined);
    await a.ok(CREATE_POST, { text: `dropped by A @${reader.handle}` }, viaA.token);
    await okOn(b.url, CREATE_POST, { text: `sent by B @${reader.handle}` }, viaB.token);
    expect((await onB.nextData()).notificationAdded.post).toEqual({
      text: `sent by B @${reader.handle}`,
    });
    dropping.mockRestore();

    // A's publisher is back and says so, as it does after dropping messages.
    const wire = new Redis(redis.url);
    await wire.publish(
      `seeit-test-${new URL(a.databaseUrl).pathname.slice(1)}:_bus:recovered`,
      '{}',
    );
    wire.disconnect();
    expect((await onB.nextData(10_000)).notificationAdded.post).toEqual({
      text: `dropped by A @${reader.handle}`,
    });
    const marker = `marker @${reader.handle}`;
    await onB.nothingBefore(
      () => okOn(b.url, CREATE_POST, { text: marker }, viaB.token),
      (data) => data.notificationAdded.post?.text === marker,
    );
    await onB.close();
  });
});
