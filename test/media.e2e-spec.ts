import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { playbackName } from '@app/broadcasts';
import {
  eventually,
  exitWithin,
  MediaServer,
  nextTimelineUpdate,
  mediaToolsAvailable,
  stop,
  TestApp,
  TestSubscription,
  testLogs,
  TestUser,
} from '@app/testing';

/**
 * The media server's hooks (nginx-rtmp's on_publish / on_publish_done): first called directly
 * over HTTP, then from a real nginx with the rtmp module while ffmpeg publishes a test pattern.
 */

const SECRET = 'media-hook-secret-for-tests';

const START = `mutation($input: StartBroadcastInput!) {
  startBroadcast(input: $input) { id status ingest { rtmpUrl streamKey } }
}`;
const STATUS = `query($id: ID!) { broadcast(id: $id) { id status playbackUrl } }`;
const EVENTS = `subscription($id: ID!) { broadcastEvents(broadcastId: $id) { kind broadcast { id status } } }`;
const TIMELINE = `subscription { timelineUpdates { kind itemId item { ... on Broadcast { id status } } } }`;

interface Scheduled {
  id: string;
  streamKey: string;
  rtmpUrl: string;
}

const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();
/** The database id inside a global id ("Broadcast:12" -> "12"). */
const rowId = (globalId: string) => Buffer.from(globalId, 'base64url').toString().split(':')[1];
/** The public name nginx publishes a broadcast's stream (and so its HLS) under. */
const publicName = (globalId: string) => playbackName(rowId(globalId), SECRET);

/**
 * Whether the broadcast has an end pending. A grace's end acts only on these rows (each process
 * sweeps them), so without one nothing will end the broadcast: no need to wait the grace out.
 */
async function endPending(t: TestApp, globalId: string): Promise<boolean> {
  const rows = await t.sql('SELECT 1 FROM media_pending_ends WHERE broadcast_id = $1', [
    rowId(globalId),
  ]);
  return rows.length > 0;
}

/** Sessions of the app's database waiting for a lock (a row's, or the publishers' advisory one). */
async function lockWaiters(t: TestApp): Promise<number> {
  const [row] = await t.sql<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity
     WHERE datname = current_database() AND wait_event_type = 'Lock'`,
  );
  return row.n;
}

/** A SCHEDULED broadcast: publishing is what makes it LIVE. */
async function schedule(t: TestApp, user: TestUser): Promise<Scheduled> {
  const data = await t.ok(
    START,
    { input: { title: 'On air', scheduledFor: inAnHour() } },
    user.token,
  );
  expect(data.startBroadcast.status).toBe('SCHEDULED');
  return { id: data.startBroadcast.id, ...data.startBroadcast.ingest };
}

async function statusOf(t: TestApp, user: TestUser, id: string): Promise<string> {
  return (await t.ok(STATUS, { id }, user.token)).broadcast.status as string;
}

/** The next broadcastEvents event of `kind`, skipping others (viewer counts and the like). */
async function nextEvent(sub: TestSubscription, kind: string, timeoutMs: number): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const data = await sub.nextData(Math.max(1, deadline - Date.now()));
    if (data.broadcastEvents.kind === kind) return data.broadcastEvents;
  }
}

interface HookOptions {
  secret?: string | null;
  clientid?: string;
  extra?: Record<string, string>;
}

/** nginx-rtmp's form post, as it sends it (see docs/media-server.md); redirects are not followed. */
function hookResponse(
  t: Pick<TestApp, 'url'>,
  which: 'publish' | 'publish-done',
  name: string,
  options: HookOptions = {},
): Promise<Response> {
  const secret = options.secret === undefined ? SECRET : options.secret;
  const query = secret === null ? '' : `?secret=${encodeURIComponent(secret)}`;
  const body = new URLSearchParams({
    app: 'live',
    flashver: 'FMLE/3.0 (compatible; Lavf59.27',
    tcurl: 'rtmp://127.0.0.1:1935/live',
    addr: '203.0.113.7',
    clientid: options.clientid ?? '1',
    call: which === 'publish' ? 'publish' : 'publish_done',
    name,
    ...(which === 'publish' ? { type: 'live' } : {}),
    ...options.extra,
  });
  return fetch(`${t.url}/media/hooks/${which}${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
    redirect: 'manual',
  });
}

/** The status a hook answers: 302 (publish under the playback name), 200 or 403. */
function hook(
  t: Pick<TestApp, 'url'>,
  which: 'publish' | 'publish-done',
  name: string,
  options: HookOptions = {},
): Promise<number> {
  return hookResponse(t, which, name, options).then((response) => response.status);
}

describe('media server hooks over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({
      MEDIA_HOOK_SECRET: SECRET,
      MEDIA_PUBLISH_DONE_GRACE_SECONDS: '1',
    });
  });
  afterAll(() => t.close());

  it('refuses a wrong or missing secret with 403 and changes nothing', async () => {
    const user = await t.signUp();
    const broadcast = await schedule(t, user);
    expect(await hook(t, 'publish', broadcast.streamKey, { secret: 'wrong' })).toBe(403);
    expect(await hook(t, 'publish', broadcast.streamKey, { secret: `${SECRET}x` })).toBe(403);
    expect(await hook(t, 'publish', broadcast.streamKey, { secret: null })).toBe(403);
    // nginx appends the encoder's publish URL arguments to the form: a secret there means nothing.
    const smuggled = { secret: null, extra: { secret: SECRET } };
    expect(await hook(t, 'publish', broadcast.streamKey, smuggled)).toBe(403);
    expect(await statusOf(t, user, broadcast.id)).toBe('SCHEDULED');
  });

  it('answers a form over the size cap with 413, without an error in the log', async () => {
    const user = await t.signUp();
    const broadcast = await schedule(t, user);
    const oversized = { extra: { padding: 'x'.repeat(200_000) } };
    expect(await hook(t, 'publish', broadcast.streamKey, oversized)).toBe(413);
    expect(await hook(t, 'publish', broadcast.streamKey, { ...oversized, secret: null })).toBe(413);
    expect(testLogs.take('error', /./)).toEqual([]);
    expect(await statusOf(t, user, broadcast.id)).toBe('SCHEDULED');
  });

  it('refuses unknown, canceled and ended stream keys with 403', async () => {
    const user = await t.signUp();
    expect(await hook(t, 'publish', 'no-such-stream-key')).toBe(403);

    const canceled = await schedule(t, user);
    await t.ok(
      `mutation($id: ID!) { cancelBroadcast(id: $id) { id } }`,
      { id: canceled.id },
      user.token,
    );
    expect(await hook(t, 'publish', canceled.streamKey)).toBe(403);

    const ended = await schedule(t, user);
    expect(await hook(t, 'publish', ended.streamKey)).toBe(302);
    await t.ok(`mutation($id: ID!) { endBroadcast(id: $id) { id } }`, { id: ended.id }, user.token);
    expect(await hook(t, 'publish', ended.streamKey, { clientid: '2' })).toBe(403);
    expect(await statusOf(t, user, ended.id)).toBe('ENDED');
  });

  it('accepts a valid key: the SCHEDULED broadcast goes LIVE and says so', async () => {
    const [user, viewer] = [await t.signUp(), await t.signUp()];
    const broadcast = await schedule(t, user);
    const events = await t.subscribe(EVENTS, { id: broadcast.id }, viewer.token);
    try {
      expect(await hook(t, 'publish', broadcast.streamKey)).toBe(302);
      expect(await statusOf(t, user, broadcast.id)).toBe('LIVE');
      const started = await nextEvent(events, 'STARTED', 5000);
      expect(started.broadcast).toEqual({ id: broadcast.id, status: 'LIVE' });
      // Publishing again (a reconnecting encoder) keeps it LIVE.
      expect(await hook(t, 'publish', broadcast.streamKey, { clientid: '2' })).toBe(302);
      expect(await statusOf(t, user, broadcast.id)).toBe('LIVE');
    } finally {
      await events.close();
    }
  });

  it('redirects to the public playback name: the playbackUrl, without the key', async () => {
    const [user, viewer] = [await t.signUp(), await t.signUp()];
    const broadcast = await schedule(t, user);
    const response = await hookResponse(t, 'publish', broadcast.streamKey);
    expect(response.status).toBe(302);
    const name = response.headers.get('location');
    expect(name).toBe(publicName(broadcast.id));
    expect(name).not.toContain(broadcast.streamKey);
    const { playbackUrl } = (await t.ok(STATUS, { id: broadcast.id }, viewer.token)).broadcast;
    expect(playbackUrl).toBe(`http://localhost:8080/hls/${name}.m3u8`);
    // Viewers know the name: it is no stream key, and publishing with it is refused.
    expect(await hook(t, 'publish', name!, { clientid: '2' })).toBe(403);
    expect(await statusOf(t, user, broadcast.id)).toBe('LIVE');
  });

  it('keeps the broadcast LIVE when the key publishes again within the grace', async () => {
    const user = await t.signUp();
    const broadcast = await schedule(t, user);
    expect(await hook(t, 'publish', broadcast.streamKey, { clientid: '1' })).toBe(302);
    expect(await hook(t, 'publish-done', broadcast.streamKey, { clientid: '1' })).toBe(200);
    expect(await endPending(t, broadcast.id)).toBe(true);
    expect(await hook(t, 'publish', broadcast.streamKey, { clientid: '2' })).toBe(302);
    expect(await endPending(t, broadcast.id)).toBe(false);
    expect(await statusOf(t, user, broadcast.id)).toBe('LIVE');
  });

  it('ends the broadcast when the grace passes without a new publish', async () => {
    const [user, viewer] = [await t.signUp(), await t.signUp()];
    const broadcast = await schedule(t, user);
    expect(await hook(t, 'publish', broadcast.streamKey)).toBe(302);
    const events = await t.subscribe(EVENTS, { id: broadcast.id }, viewer.token);
    try {
      const doneAt = Date.now();
      expect(await hook(t, 'publish-done', broadcast.streamKey)).toBe(200);
      expect(await statusOf(t, user, broadcast.id)).toBe('LIVE');
      const ended = await nextEvent(events, 'ENDED', 5000);
      expect(ended.broadcast).toEqual({ id: broadcast.id, status: 'ENDED' });
      expect(Date.now() - doneAt).toBeGreaterThanOrEqual(900);
      expect(await statusOf(t, user, broadcast.id)).toBe('ENDED');
      // Ended is final: the encoder coming back is refused.
      expect(await hook(t, 'publish', broadcast.streamKey, { clientid: '2' })).toBe(403);
    } finally {
      await events.close();
    }
  });

  it('does not end on the publish-done of a second publisher nginx turned away', async () => {
    const user = await t.signUp();
    const broadcast = await schedule(t, user);
    expect(await hook(t, 'publish', broadcast.streamKey, { clientid: '1' })).toBe(302);
    // Someone else publishes the same key: we say yes, nginx says "already publishing".
    expect(await hook(t, 'publish', broadcast.streamKey, { clientid: '2' })).toBe(302);
    expect(await hook(t, 'publish-done', broadcast.streamKey, { clientid: '2' })).toBe(200);
    expect(await endPending(t, broadcast.id)).toBe(false);
    expect(await statusOf(t, user, broadcast.id)).toBe('LIVE');
    expect(await hook(t, 'publish-done', broadcast.streamKey, { clientid: '1' })).toBe(200);
    await eventually(
      () => statusOf(t, user, broadcast.id),
      (s) => s === 'ENDED',
      5000,
      'status',
    );
  });

  it('ends on a publish-done naming the playback name as on one naming the key', async () => {
    const user = await t.signUp();
    const broadcast = await schedule(t, user);
    const name = publicName(broadcast.id);
    expect(await hook(t, 'publish', broadcast.streamKey, { clientid: '1' })).toBe(302);
    expect(await hook(t, 'publish', broadcast.streamKey, { clientid: '2' })).toBe(302);
    expect(await hook(t, 'publish-done', name, { clientid: '2' })).toBe(200);
    expect(await endPending(t, broadcast.id)).toBe(false);
    expect(await statusOf(t, user, broadcast.id)).toBe('LIVE');
    expect(await hook(t, 'publish-done', name, { clientid: '1' })).toBe(200);
    await eventually(
      () => statusOf(t, user, broadcast.id),
      (s) => s === 'ENDED',
      5000,
      'status',
    );
  });

  it('checks the secret on publish-done too', async () => {
    const user = await t.signUp();
    const broadcast = await schedule(t, user);
    expect(await hook(t, 'publish', broadcast.streamKey)).toBe(302);
    expect(await hook(t, 'publish-done', broadcast.streamKey, { secret: 'wrong' })).toBe(403);
    expect(await endPending(t, broadcast.id)).toBe(false);
    expect(await statusOf(t, user, broadcast.id)).toBe('LIVE');
  });
});

describe('media hooks across API processes', () => {
  let b: TestApp;
  beforeAll(async () => {
    b = await TestApp.start({
      MEDIA_HOOK_SECRET: SECRET,
      MEDIA_PUBLISH_DONE_GRACE_SECONDS: '1',
      MEDIA_PENDING_END_SWEEP_SECONDS: '1',
    });
  });
  afterAll(() => b.close());

  it('ends the broadcast from another process when the one that got the publish-done is gone', async () => {
    const user = await b.signUp();
    const broadcast = await schedule(b, user);
    const a = await b.startSibling();
    try {
      expect(await hook(a, 'publish', broadcast.streamKey)).toBe(302);
      expect(await hook(a, 'publish-done', broadcast.streamKey)).toBe(200);
    } finally {
      await a.app.close();
    }
    expect(await statusOf(b, user, broadcast.id)).toBe('LIVE');
    await eventually(
      () => statusOf(b, user, broadcast.id),
      (s) => s === 'ENDED',
      5000,
      'status',
    );
    expect(await b.sql('SELECT * FROM media_pending_ends')).toEqual([]);
    expect(await hook(b, 'publish', broadcast.streamKey, { clientid: '2' })).toBe(403);
  });

  it('keeps the broadcast when the key publishes again through another process within the grace', async () => {
    const user = await b.signUp();
    const broadcast = await schedule(b, user);
    const a = await b.startSibling();
    try {
      expect(await hook(a, 'publish', broadcast.streamKey, { clientid: '1' })).toBe(302);
      expect(await hook(a, 'publish-done', broadcast.streamKey, { clientid: '1' })).toBe(200);
      expect(await endPending(b, broadcast.id)).toBe(true);
      expect(await hook(b, 'publish', broadcast.streamKey, { clientid: '2' })).toBe(302);
      expect(await endPending(b, broadcast.id)).toBe(false);
      expect(await statusOf(b, user, broadcast.id)).toBe('LIVE');
      // The second publisher was accepted on B; its done, on A, is the last one.
      expect(await hook(a, 'publish-done', broadcast.streamKey, { clientid: '2' })).toBe(200);
      await eventually(
        () => statusOf(b, user, broadcast.id),
        (s) => s === 'ENDED',
        5000,
        'status',
      );
    } finally {
      await a.app.close();
    }
  });

  it('keeps a broadcast re-published while its last publish-done was under way', async () => {
    const user = await b.signUp();
    const broadcast = await schedule(b, user);
    expect(await hook(b, 'publish', broadcast.streamKey, { clientid: '1' })).toBe(302);
    // An uncommitted pending end of the broadcast: the publish-done's own write of it waits here,
    // after the publisher is gone, so the re-publish below lands in between.
    const blocker = new Client({ connectionString: b.databaseUrl });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query(
        `INSERT INTO media_pending_ends (broadcast_id, due_at) VALUES ($1, now() + interval '1 hour')`,
        [rowId(broadcast.id)],
      );
      const done = hook(b, 'publish-done', broadcast.streamKey, { clientid: '1' });
      await eventually(
        () => lockWaiters(b),
        (n) => n >= 1,
        5000,
        'publish-done waiting',
      );
      let published: number | undefined;
      const publishing = hook(b, 'publish', broadcast.streamKey, { clientid: '2' }).then(
        (status) => (published = status),
      );
      // Either through already, or waiting for the publish-done to commit.
      await eventually(
        async () => published !== undefined || (await lockWaiters(b)) >= 2,
        Boolean,
        5000,
        'publish through or waiting',
      );
      await blocker.query('ROLLBACK');
      expect(await done).toBe(200);
      expect(await publishing).toBe(302);
    } finally {
      await blocker.end();
    }
    expect(await endPending(b, broadcast.id)).toBe(false);
    expect(await statusOf(b, user, broadcast.id)).toBe('LIVE');
  });

  it('drops a due end without ending while the broadcast has a publisher', async () => {
    const user = await b.signUp();
    const broadcast = await schedule(b, user);
    expect(await hook(b, 'publish', broadcast.streamKey)).toBe(302);
    await b.sql('INSERT INTO media_pending_ends (broadcast_id, due_at) VALUES ($1, now())', [
      rowId(broadcast.id),
    ]);
    await eventually(
      () => endPending(b, broadcast.id),
      (p) => !p,
      5000,
      'pending end',
    );
    expect(await statusOf(b, user, broadcast.id)).toBe('LIVE');
  });

  it('ends the other due broadcasts when one end fails, and retries that one later', async () => {
    const [user, other] = [await b.signUp(), await b.signUp()];
    const failing = await schedule(b, user);
    const ending = await schedule(b, other);
    await b.sql(
      `CREATE FUNCTION refuse_end() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'disk full'; END $$`,
    );
    await b.sql(
      `CREATE TRIGGER refuse_end BEFORE UPDATE ON broadcasts FOR EACH ROW
       WHEN (NEW.status = 'ENDED' AND NEW.id = ${Number(rowId(failing.id))}) EXECUTE FUNCTION refuse_end()`,
    );
    try {
      for (const broadcast of [failing, ending]) {
        expect(await hook(b, 'publish', broadcast.streamKey)).toBe(302);
        expect(await hook(b, 'publish-done', broadcast.streamKey)).toBe(200);
      }
      await eventually(
        () => statusOf(b, other, ending.id),
        (s) => s === 'ENDED',
        5000,
        'status',
      );
      expect(await statusOf(b, user, failing.id)).toBe('LIVE');
      const [retry] = await b.sql(
        `SELECT due_at > now() + interval '30 seconds' AS later FROM media_pending_ends
         WHERE broadcast_id = $1`,
        [rowId(failing.id)],
      );
      expect(retry).toEqual({ later: true });
      expect(testLogs.take('error', /disk full/).length).toBeGreaterThanOrEqual(1);
    } finally {
      await b.sql('DROP TRIGGER refuse_end ON broadcasts');
      await b.sql('DROP FUNCTION refuse_end');
      await b.sql('DELETE FROM media_pending_ends WHERE broadcast_id = $1', [rowId(failing.id)]);
    }
  });

  it('ends at once without a grace', async () => {
    const user = await b.signUp();
    const broadcast = await schedule(b, user);
    const noGrace = await b.startSibling({ MEDIA_PUBLISH_DONE_GRACE_SECONDS: '0' });
    try {
      expect(await hook(noGrace, 'publish', broadcast.streamKey)).toBe(302);
      expect(await hook(noGrace, 'publish-done', broadcast.streamKey)).toBe(200);
      expect(await statusOf(b, user, broadcast.id)).toBe('ENDED');
      const publishers = 'SELECT * FROM media_publishers WHERE broadcast_id = $1';
      expect(await b.sql(publishers, [rowId(broadcast.id)])).toEqual([]);
    } finally {
      await noGrace.app.close();
    }
  });
});

// ---------------------------------------------------------------- nginx-rtmp and ffmpeg

const mediaDescribe = mediaToolsAvailable() ? describe : describe.skip;

mediaDescribe('a real nginx-rtmp calling the hooks while ffmpeg publishes', () => {
  const grace = 2;
  let t: TestApp | undefined;
  let media: MediaServer | undefined;
  let rtmpPort: number;
  let hlsUrl: string;
  let dir: string;
  const publish = (url: string) => media!.publish(url);
  const nginxLog = () => media?.log() ?? '';

  beforeAll(async () => {
    media = await MediaServer.prepare(SECRET);
    ({ rtmpPort, hlsUrl, dir } = media);
    t = await TestApp.start({
      ...media.appEnv(),
      MEDIA_PUBLISH_DONE_GRACE_SECONDS: String(grace),
    });
    await media.start(`${t.url}/media/hooks`);
  }, 60_000);

  afterAll(async () => {
    // Every child, even when a test (or beforeAll) failed half-way.
    await media?.close();
    await t?.close();
  });

  it('refuses an encoder publishing an unknown key', async () => {
    const exit = await exitWithin(
      publish(`rtmp://127.0.0.1:${rtmpPort}/live/not-a-stream-key`),
      15_000,
    );
    // ffmpeg fails at once when nginx drops the connection on the hook's 403.
    expect(typeof exit).toBe('number');
    expect(exit).not.toBe(0);
  }, 30_000);

  it('goes LIVE when the encoder publishes (NOW_LIVE for followers), serves HLS, and ends after the grace', async () => {
    const app = t!;
    const [broadcaster, viewer] = [await app.signUp(), await app.signUp()];
    await app.ok(
      `mutation($id: ID!) { follow(userId: $id) { id } }`,
      { id: broadcaster.id },
      viewer.token,
    );
    const broadcast = await schedule(app, broadcaster);
    expect(broadcast.rtmpUrl).toBe(`rtmp://127.0.0.1:${rtmpPort}/live`);
    const events = await app.subscribe(EVENTS, { id: broadcast.id }, viewer.token);
    const timeline = await app.subscribe(TIMELINE, {}, viewer.token);
    const encoder = publish(`${broadcast.rtmpUrl}/${broadcast.streamKey}`);
    const failure = () => `ffmpeg:\n${encoder.output()}\nnginx:\n${nginxLog()}`;
    try {
      const started = await nextEvent(events, 'STARTED', 15_000).catch((error: Error) => {
        throw new Error(`${error.message}\n${failure()}`);
      });
      expect(started.broadcast).toEqual({ id: broadcast.id, status: 'LIVE' });
      // The follower's home timeline gets the "now live" card.
      const nowLive = await nextTimelineUpdate(timeline, 'NOW_LIVE', broadcast.id, 5000);
      expect(nowLive.item).toEqual({ id: broadcast.id, status: 'LIVE' });
      const live = (await app.ok(STATUS, { id: broadcast.id }, viewer.token)).broadcast;
      expect(live.status).toBe('LIVE');
      // The public name nginx renamed the stream to (on_publish's 302), never the key.
      const name = publicName(broadcast.id);
      expect(live.playbackUrl).toBe(`${hlsUrl}/${name}.m3u8`);
      expect(live.playbackUrl).not.toContain(broadcast.streamKey);

      // The playlist appears once nginx has cut the first one-second fragment.
      const playlist = await eventually(
        async () => {
          const response = await fetch(live.playbackUrl);
          return {
            status: response.status,
            cors: response.headers.get('access-control-allow-origin'),
            text: await response.text(),
          };
        },
        (r) => r.status === 200 && /\.ts\s*$/m.test(r.text),
        20_000,
        `HLS playlist ${live.playbackUrl} (${failure()})`,
      );
      expect(playlist.text).toMatch(/^#EXTM3U/);
      expect(playlist.cors).toBe('*');
      const segment = playlist.text.split('\n').find((line) => line.trim().endsWith('.ts'))!;
      const video = await fetch(new URL(segment.trim(), live.playbackUrl));
      expect(video.status).toBe(200);
      expect(video.headers.get('content-type')).toBe('video/mp2t');
      expect((await video.arrayBuffer()).byteLength).toBeGreaterThan(1000);
      // Nothing is served, or written, under the stream key.
      expect((await fetch(`${hlsUrl}/${broadcast.streamKey}.m3u8`)).status).toBe(404);
      const files = readdirSync(join(dir, 'hls'));
      expect(files).toContain(`${name}.m3u8`);
      expect(files.filter((file) => file.includes(broadcast.streamKey))).toEqual([]);

      // A viewer publishing with the public name is refused (the hook, and the public port has
      // no hls application), and the broadcast goes on.
      for (const url of [
        `${broadcast.rtmpUrl}/${name}`,
        `rtmp://127.0.0.1:${rtmpPort}/hls/${name}`,
      ]) {
        const exit = await exitWithin(publish(url), 15_000);
        expect(typeof exit).toBe('number');
        expect(exit).not.toBe(0);
      }
      expect(await statusOf(app, broadcaster, broadcast.id)).toBe('LIVE');

      // The encoder dies: nginx calls publish-done, and the broadcast outlives the grace only.
      const killedAt = Date.now();
      await stop(encoder.process);
      expect(await statusOf(app, broadcaster, broadcast.id)).toBe('LIVE');
      const ended = await nextEvent(events, 'ENDED', grace * 1000 + 10_000);
      expect(ended.broadcast).toEqual({ id: broadcast.id, status: 'ENDED' });
      expect(Date.now() - killedAt).toBeGreaterThanOrEqual(grace * 1000 - 100);
      expect(await statusOf(app, broadcaster, broadcast.id)).toBe('ENDED');
    } finally {
      await stop(encoder.process);
      await Promise.all([events.close(), timeline.close()]);
    }
  }, 60_000);
});
