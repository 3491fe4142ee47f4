import { NestExpressApplication } from '@nestjs/platform-express';
import Redis from 'ioredis';
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

  it('closes the sockets on B of an account suspended through A (4403), and refuses new ones', async () => {
    // A socket is authenticated once, at connection_init: this close is what stops it.
    const [member, admin]: TestUser[] = [await a.signUp(), await a.signUp()];
    await a.sql(`UPDATE users SET role = 'ADMIN' WHERE handle = $1`, [admin.handle]);
    const onB = await TestSubscription.open(
      `${b.url.replace('http', 'ws')}/graphql`,
      UPDATES,
      {},
      { authorization: `Bearer ${member.token}` },
    );
    await a.ok(
      `mutation($id: ID!) { suspendUser(userId: $id) { id } }`,
      { id: member.id },
      admin.token,
    );
    for (let i = 0; i < 100 && !onB.isEnded; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(onB.closeCode).toBe(4403);
    const again = await TestSubscription.open(
      `${b.url.replace('http', 'ws')}/graphql`,
      UPDATES,
      {},
      { authorization: `Bearer ${member.token}` },
    );
    for (let i = 0; i < 100 && !again.isEnded; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(again.closeCode).toBe(4403);
  });

  it('keeps a viewer counted while they still watch through B when their socket on A closes', async () => {
    const [host, viewer]: TestUser[] = [await a.signUp(), await a.signUp()];
    const { startBroadcast } = await a.ok(
      `mutation { startBroadcast(input: { title: "two doors" }) { id } }`,
      {},
      host.token,
    );
    const id = startBroadcast.id as string;
    const events = `subscription($id: ID!) { broadcastEvents(broadcastId: $id) { kind viewerCount } }`;
    const auth = { authorization: `Bearer ${viewer.token}` };
    const onA = await a.subscribe(events, { id }, viewer.token);
    const onB = await TestSubscription.open<{ broadcastEvents: { viewerCount: number } }>(
      `${b.url.replace('http', 'ws')}/graphql`,
      events,
      { id },
      auth,
    );
    const count = async () =>
      (await a.ok(`query($id: ID!) { broadcast(id: $id) { viewerCount } }`, { id }, host.token))
        .broadcast.viewerCount as number;
    await a.ok(`mutation($id: ID!) { joinBroadcast(id: $id) { id } }`, { id }, viewer.token);
    expect(await count()).toBe(1);
    await onA.close();
    // B hears that A let the viewer go, and still has them: counted again at once.
    const deadline = Date.now() + 5000;
    let last = await count();
    for (let seen = 0; seen < 3 && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      last = await count();
      seen = last === 1 ? seen + 1 : 0;
    }
    expect(last).toBe(1);
    await onB.close();
    for (
      let left = await count();
      left !== 0 && Date.now() < deadline + 5000;
      left = await count()
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await count()).toBe(0);
  });

  it('carries ids and public fields only: no stream key nor any private field on the wire', async () => {
    const [fan, host]: TestUser[] = [await a.signUp(), await a.signUp()];
    const prefix = `seeit-test-${new URL(a.databaseUrl).pathname.slice(1)}:`;
    const wire = new Redis(REDIS_URL);
    const seen: string[] = [];
    wire.on('pmessage', (_pattern: string, channel: string, text: string) =>
      seen.push(`${channel} ${text}`),
    );
    await wire.psubscribe(`${prefix}*`);

    const started = await a.ok(
      `mutation { startBroadcast(input: { title: "on the wire" }) { id ingest { streamKey } } }`,
      {},
      host.token,
    );
    const { id, ingest } = started.startBroadcast;
    const events = await TestSubscription.open<{
      broadcastEvents: { kind: string; broadcast: { ingest: { streamKey: string } | null } };
    }>(
      `${b.url.replace('http', 'ws')}/graphql`,
      `subscription($id: ID!) { broadcastEvents(broadcastId: $id) { kind broadcast { ingest { streamKey } } } }`,
      { id },
      { authorization: `Bearer ${host.token}` },
    );
    await a.ok(`mutation($id: ID!) { joinBroadcast(id: $id) { id } }`, { id }, fan.token);
    await a.ok(
      `mutation($id: ID!) { postComment(broadcastId: $id, text: "hi") { id } }`,
      { id },
      fan.token,
    );
    await a.ok(`mutation($id: ID!) { sendHearts(broadcastId: $id, count: 3) }`, { id }, fan.token);
    await a.ok(`mutation($id: ID!) { endBroadcast(id: $id) { id } }`, { id }, host.token);
    // The broadcaster still gets the key, loaded on the receiving side.
    let event = (await events.nextData()).broadcastEvents;
    while (event.kind !== 'ENDED') event = (await events.nextData()).broadcastEvents;
    expect(event.broadcast.ingest).toEqual({ streamKey: ingest.streamKey });
    await events.close();
    await wire.quit();

    const broadcastMessages = seen.filter((line) => line.includes(`broadcast:`));
    expect(broadcastMessages.length).toBeGreaterThanOrEqual(3);
    const [account] = await a.sql<{ email: string; password_hash: string }>(
      'SELECT email, password_hash FROM users WHERE handle = $1',
      [host.handle],
    );
    for (const line of seen) {
      expect(line).not.toContain(ingest.streamKey);
      expect(line).not.toMatch(/stream_?key|password|email/i);
      expect(line).not.toContain(account.email);
      expect(line).not.toContain(account.password_hash);
    }
  });
});
