import { NestExpressApplication } from '@nestjs/platform-express';
import { serviceAvailable, tcpReachable, TestApp, TestSubscription, TestUser } from '@app/testing';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = new URL(REDIS_URL);
const available = serviceAvailable(
  'Redis',
  tcpReachable(redis.hostname, Number(redis.port || 6379)),
  `Start one on ${REDIS_URL} (Debian: apt-get install redis-server) or set TEST_REDIS_URL.`,
);

const UPDATES = `subscription { timelineUpdates { kind item { ... on Post { text } } } }`;

/** Two API processes on one database and one Redis, as behind a load balancer. */
(available ? describe : describe.skip)('two API instances sharing Redis', () => {
  let a: TestApp;
  let b: { app: NestExpressApplication; url: string };
  beforeAll(async () => {
    a = await TestApp.start({ REDIS_URL });
    b = await a.startSibling({ REDIS_URL });
  });
  afterAll(async () => {
    await b?.app.close();
    await a?.close();
  });

  it('delivers an update caused on instance A to a follower connected to instance B', async () => {
    const [reader, writer]: TestUser[] = [await a.signUp(), await a.signUp()];
    await a.ok(
      `mutation($id: ID!) { follow(userId: $id) { id } }`,
      { id: writer.id },
      reader.token,
    );
    const onB = await TestSubscription.open<{
      timelineUpdates: { kind: string; item: { text: string } };
    }>(
      `${b.url.replace('http', 'ws')}/graphql`,
      UPDATES,
      {},
      { authorization: `Bearer ${reader.token}` },
    );
    await a.ok(
      `mutation { createPost(input: { text: "sent through A" }) { id } }`,
      {},
      writer.token,
    );
    expect((await onB.nextData()).timelineUpdates).toEqual({
      kind: 'ADDED',
      item: { text: 'sent through A' },
    });
    await onB.close();
  });

  it('pushes the NOW_LIVE card of a broadcast started through A to a follower on B', async () => {
    const [fan, host]: TestUser[] = [await a.signUp(), await a.signUp()];
    await a.ok(`mutation($id: ID!) { follow(userId: $id) { id } }`, { id: host.id }, fan.token);
    const onB = await TestSubscription.open<{
      timelineUpdates: { kind: string; item: { title: string } };
    }>(
      `${b.url.replace('http', 'ws')}/graphql`,
      `subscription { timelineUpdates { kind item { ... on Broadcast { title } } } }`,
      {},
      { authorization: `Bearer ${fan.token}` },
    );
    await a.ok(
      `mutation { startBroadcast(input: { title: "live from A" }) { id } }`,
      {},
      host.token,
    );
    expect((await onB.nextData()).timelineUpdates).toEqual({
      kind: 'NOW_LIVE',
      item: { title: 'live from A' },
    });
    await onB.close();
  });
});
