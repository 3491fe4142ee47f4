import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { playbackName, replayToken, ReplaysService } from '@app/broadcasts';
import {
  errorCode,
  eventually,
  MediaServer,
  nextTimelineUpdate,
  mediaToolsAvailable,
  sleep,
  stop,
  TestApp,
  testLogs,
  TestUser,
} from '@app/testing';

/**
 * Replays: the media server's replay-ready hook, Broadcast.replay and replayEvents, deletion and
 * retention over HTTP; then recorded by a real nginx-rtmp while ffmpeg publishes.
 */

const SECRET = 'replay-hook-secret-for-tests';

const START = `mutation($input: StartBroadcastInput!) {
  startBroadcast(input: $input) { id status ingest { rtmpUrl streamKey } }
}`;
const END = `mutation($id: ID!) { endBroadcast(id: $id) { id status } }`;
const FOLLOW = `mutation($id: ID!) { follow(userId: $id) { id } }`;
const BLOCK = `mutation($id: ID!) { block(userId: $id) { id } }`;
const JOIN = `mutation($id: ID!) { joinBroadcast(id: $id) { id replayViewCount } }`;
const COMMENT = `mutation($id: ID!, $text: String!) { postComment(broadcastId: $id, text: $text) { id offsetMs } }`;
const REMOVE_COMMENT = `mutation($id: ID!) { removeComment(id: $id) }`;
const HEARTS = `mutation($id: ID!, $count: Int) { sendHearts(broadcastId: $id, count: $count) }`;
const DELETE = `mutation($id: ID!) { deleteReplay(broadcastId: $id) { id replayAvailable replay { durationMs } } }`;
const READ = `query($id: ID!) { broadcast(id: $id) {
  id status playbackUrl replayAvailable replayViewCount
  replay { playbackUrl durationMs availableAt }
  seeIt { status }
} }`;
const EVENTS = `query($id: ID!, $from: Int!, $to: Int!, $first: Int) { broadcast(id: $id) {
  replayEvents(fromMs: $from, toMs: $to, first: $first) {
    fromMs toMs truncated events { kind offsetMs hearts comment { text author { handle } } }
  }
} }`;
const TIMELINE = `subscription { timelineUpdates {
  kind item { ... on Broadcast { id status replayAvailable replay { durationMs } } }
} }`;
const SAVE = `mutation($id: ID!) { seeIt(input: { broadcastId: $id, action: LATER }) { savedForLater } }`;
const WATCH_LATER = `{ watchLater { edges { node { seeIt { status broadcast { id replay { playbackUrl } } } } } } }`;

/** The database id inside a global id ("Broadcast:12" -> "12"). */
const rowId = (globalId: string) => Buffer.from(globalId, 'base64url').toString().split(':')[1];
const publicName = (globalId: string) => playbackName(rowId(globalId), SECRET);

/** The media server's replay-ready call, as docs/seeit-replay.sh makes it. */
function replayReady(
  t: TestApp,
  name: string,
  durationMs: string,
  secret: string | null = SECRET,
): Promise<number> {
  const query = secret === null ? '' : `?secret=${encodeURIComponent(secret)}`;
  return fetch(`${t.url}/media/hooks/replay-ready${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ name, duration_ms: durationMs }),
  }).then((response) => response.status);
}

describe('replays over HTTP', () => {
  let t: TestApp;
  let replayDir: string;

  beforeAll(async () => {
    replayDir = mkdtempSync(join(tmpdir(), 'seeit-replays-'));
    t = await TestApp.start({
      MEDIA_HOOK_SECRET: SECRET,
      MEDIA_REPLAY_DIR: replayDir,
      REPLAY_RETENTION_DAYS: '30',
    });
  });
  afterAll(async () => {
    await t.close();
    rmSync(replayDir, { recursive: true, force: true });
  });

  /** A broadcast started through the API (LIVE at once), ended, and its replay reported. */
  async function endedWithReplay(
    broadcaster: TestUser,
    visibility = 'PUBLIC',
  ): Promise<{ id: string; name: string }> {
    const { startBroadcast } = await t.ok(
      START,
      { input: { title: 'Replay me', visibility } },
      broadcaster.token,
    );
    await t.ok(END, { id: startBroadcast.id }, broadcaster.token);
    const name = publicName(startBroadcast.id);
    const folder = join(replayDir, name);
    mkdirSync(folder);
    writeFileSync(join(folder, 'index.m3u8'), '#EXTM3U\n');
    expect(await replayReady(t, name, '6000')).toBe(200);
    return { id: startBroadcast.id, name };
  }

  it('a broadcast never published has no replay, and says so', async () => {
    const broadcaster = await t.signUp();
    const { startBroadcast } = await t.ok(
      START,
      { input: { title: 'No video' } },
      broadcaster.token,
    );
    await t.ok(END, { id: startBroadcast.id }, broadcaster.token);
    const { broadcast } = await t.ok(READ, { id: startBroadcast.id }, broadcaster.token);
    expect(broadcast).toMatchObject({
      status: 'ENDED',
      playbackUrl: null,
      replayAvailable: false,
      replay: null,
      replayViewCount: 0,
      seeIt: { status: 'ENDED' },
    });
    const watch = await t.gql(JOIN, { id: startBroadcast.id }, (await t.signUp()).token);
    expect(errorCode(watch)).toBe('NOT_FOUND');
  });

  it('refuses replay-ready calls with a wrong secret, a stream key or a bad duration (403)', async () => {
    const broadcaster = await t.signUp();
    const { startBroadcast } = await t.ok(START, { input: { title: 'Hooks' } }, broadcaster.token);
    const name = publicName(startBroadcast.id);
    expect(await replayReady(t, name, '6000', 'wrong')).toBe(403);
    expect(await replayReady(t, name, '6000', null)).toBe(403);
    expect(await replayReady(t, startBroadcast.ingest.streamKey, '6000')).toBe(403);
    for (const duration of ['0', '-5', '1.5', 'abc', '99999999999']) {
      expect(await replayReady(t, name, duration)).toBe(403);
    }
    // A well-formed name of no broadcast: gone, so the media server drops the files.
    expect(await replayReady(t, playbackName('999999999', SECRET), '6000')).toBe(410);
    expect(await t.sql('SELECT 1 FROM broadcast_replays')).toEqual([]);
    // Anyone can call the hook: one line per kind of refusal, the repeats counted, not logged.
    const refusals = testLogs.take('warn', /Refused replay-ready hook/).map((e) => e.text);
    expect(refusals).toEqual([
      expect.stringContaining('wrong or missing secret'),
      expect.stringContaining('malformed name or duration'),
    ]);
  });

  it('a replay ready after the end turns replayAvailable on, with an UPDATED card, ON_DEMAND and watch later', async () => {
    const [broadcaster, follower] = [await t.signUp(), await t.signUp()];
    await t.ok(FOLLOW, { id: broadcaster.id }, follower.token);
    const { startBroadcast } = await t.ok(START, { input: { title: 'Later' } }, broadcaster.token);
    await t.ok(END, { id: startBroadcast.id }, broadcaster.token);
    const timeline = await t.subscribe(TIMELINE, {}, follower.token);
    try {
      const before = Date.now();
      expect(await replayReady(t, publicName(startBroadcast.id), '6250')).toBe(200);
      const updated = await nextTimelineUpdate(timeline, 'UPDATED', startBroadcast.id, 5000);
      expect(updated.item).toEqual({
        id: startBroadcast.id,
        status: 'ENDED',
        replayAvailable: true,
        replay: { durationMs: 6250 },
      });
      const { broadcast } = await t.ok(READ, { id: startBroadcast.id }, follower.token);
      const name = publicName(startBroadcast.id);
      expect(broadcast.replay.playbackUrl).toMatch(
        new RegExp(
          `^http://localhost:8080/hls/replays/[A-Za-z0-9_-]{22}/\\d+/${name}/index\\.m3u8$`,
        ),
      );
      expect(broadcast.playbackUrl).toBe(broadcast.replay.playbackUrl);
      expect(Date.parse(broadcast.replay.availableAt)).toBeGreaterThanOrEqual(before - 1000);
      expect(broadcast.seeIt.status).toBe('ON_DEMAND');
      // Watch later plays the replay.
      await t.ok(SAVE, { id: startBroadcast.id }, follower.token);
      const saved = (await t.ok(WATCH_LATER, {}, follower.token)).watchLater.edges[0].node.seeIt;
      expect(saved.status).toBe('ON_DEMAND');
      expect(saved.broadcast.replay.playbackUrl).toBe(broadcast.replay.playbackUrl);
    } finally {
      await timeline.close();
    }
  });

  it('counts each replay viewer once (joinBroadcast on the ended broadcast), not the broadcaster', async () => {
    const [broadcaster, a, b] = [await t.signUp(), await t.signUp(), await t.signUp()];
    const { id } = await endedWithReplay(broadcaster);
    expect((await t.ok(JOIN, { id }, a.token)).joinBroadcast.replayViewCount).toBe(1);
    expect((await t.ok(JOIN, { id }, a.token)).joinBroadcast.replayViewCount).toBe(1);
    expect((await t.ok(JOIN, { id }, broadcaster.token)).joinBroadcast.replayViewCount).toBe(1);
    expect((await t.ok(JOIN, { id }, b.token)).joinBroadcast.replayViewCount).toBe(2);
    expect(errorCode(await t.gql(JOIN, { id }))).toBe('UNAUTHENTICATED');
  });

  describe('deleteReplay', () => {
    it('refuses anonymous, strangers, unknown ids and bad ids, and changes nothing', async () => {
      const [broadcaster, stranger] = [await t.signUp(), await t.signUp()];
      const { id, name } = await endedWithReplay(broadcaster);
      expect(errorCode(await t.gql(DELETE, { id }))).toBe('UNAUTHENTICATED');
      expect(errorCode(await t.gql(DELETE, { id }, stranger.token))).toBe('FORBIDDEN');
      const unknown = Buffer.from('Broadcast:999999999').toString('base64url');
      expect(errorCode(await t.gql(DELETE, { id: unknown }, broadcaster.token))).toBe('NOT_FOUND');
      expect(errorCode(await t.gql(DELETE, { id: 'nonsense' }, broadcaster.token))).toBe(
        'BAD_USER_INPUT',
      );
      expect((await t.ok(READ, { id }, stranger.token)).broadcast.replayAvailable).toBe(true);
      expect(existsSync(join(replayDir, name, 'index.m3u8'))).toBe(true);
    });

    it('refuses the same over a websocket', async () => {
      const [broadcaster, stranger] = [await t.signUp(), await t.signUp()];
      const { id } = await endedWithReplay(broadcaster);
      for (const [token, code] of [
        [undefined, 'UNAUTHENTICATED'],
        [stranger.token, 'FORBIDDEN'],
      ] as const) {
        const socket = await t.subscribe(DELETE, { id }, token);
        expect(errorCode(await socket.next())).toBe(code);
        await socket.close();
      }
      const socket = await t.subscribe(EVENTS, { id, from: 5, to: 1 }, broadcaster.token);
      expect(errorCode(await socket.next())).toBe('BAD_USER_INPUT');
      await socket.close();
      expect((await t.ok(READ, { id }, stranger.token)).broadcast.replayAvailable).toBe(true);
    });

    it("hides a FOLLOWERS replay's broadcast from strangers (NOT_FOUND)", async () => {
      const [broadcaster, stranger] = [await t.signUp(), await t.signUp()];
      const { id } = await endedWithReplay(broadcaster, 'FOLLOWERS');
      expect(errorCode(await t.gql(DELETE, { id }, stranger.token))).toBe('NOT_FOUND');
      expect(errorCode(await t.gql(READ, { id }, stranger.token))).toBe('NOT_FOUND');
    });

    it('deletes the replay and its files for the broadcaster; the card is UPDATED; twice is NOT_FOUND', async () => {
      const [broadcaster, follower] = [await t.signUp(), await t.signUp()];
      await t.ok(FOLLOW, { id: broadcaster.id }, follower.token);
      const { id, name } = await endedWithReplay(broadcaster);
      const timeline = await t.subscribe(TIMELINE, {}, follower.token);
      try {
        const deleted = (await t.ok(DELETE, { id }, broadcaster.token)).deleteReplay;
        expect(deleted).toEqual({ id, replayAvailable: false, replay: null });
        const updated = await nextTimelineUpdate(timeline, 'UPDATED', id, 5000);
        expect(updated.item).toMatchObject({ replayAvailable: false, replay: null });
      } finally {
        await timeline.close();
      }
      await eventually(
        () => Promise.resolve(existsSync(join(replayDir, name))),
        (present) => !present,
        5000,
        'replay folder',
      );
      const read = (await t.ok(READ, { id }, follower.token)).broadcast;
      expect(read).toMatchObject({ playbackUrl: null, replay: null, seeIt: { status: 'ENDED' } });
      expect(errorCode(await t.gql(DELETE, { id }, broadcaster.token))).toBe('NOT_FOUND');
      // A late call of the media server does not bring it back: 410, and it drops its files.
      expect(await replayReady(t, name, '6000')).toBe(410);
      expect((await t.ok(READ, { id }, follower.token)).broadcast.replayAvailable).toBe(false);
    });
  });

  it("removes the replay files of a deleted account's broadcasts", async () => {
    const broadcaster = await t.signUp();
    const { name } = await endedWithReplay(broadcaster);
    await t.ok(
      `mutation($password: String!) { deleteAccount(password: $password) }`,
      { password: 'correct horse battery' },
      broadcaster.token,
    );
    await eventually(
      () => Promise.resolve(existsSync(join(replayDir, name))),
      (present) => !present,
      5000,
      'replay folder',
    );
  });

  it('retention: the sweep deletes replays older than REPLAY_RETENTION_DAYS with their files', async () => {
    const broadcaster = await t.signUp();
    const old = await endedWithReplay(broadcaster);
    const fresh = await endedWithReplay(broadcaster);
    await t.sql(
      `UPDATE broadcast_replays SET available_at = now() - interval '31 days' WHERE broadcast_id = $1`,
      [rowId(old.id)],
    );
    await t.app.get(ReplaysService).sweep();
    expect((await t.ok(READ, { id: old.id }, broadcaster.token)).broadcast.replay).toBeNull();
    expect(existsSync(join(replayDir, old.name))).toBe(false);
    expect((await t.ok(READ, { id: fresh.id }, broadcaster.token)).broadcast.replay).not.toBeNull();
    expect(existsSync(join(replayDir, fresh.name))).toBe(true);
  });

  describe('replayEvents', () => {
    it('returns comments and heart bursts of a window in order, without removed, blocked or suspended authors', async () => {
      const [broadcaster, viewer, blocker, suspended, removed] = [
        await t.signUp(),
        await t.signUp(),
        await t.signUp(),
        await t.signUp(),
        await t.signUp(),
      ];
      await t.ok(BLOCK, { id: viewer.id }, blocker.token);
      const { startBroadcast } = await t.ok(START, { input: { title: 'Chat' } }, broadcaster.token);
      const id = startBroadcast.id;
      const post = async (user: TestUser, text: string, offsetMs: number) => {
        const { postComment } = await t.ok(COMMENT, { id, text }, user.token);
        await t.sql('UPDATE broadcast_comments SET offset_ms = $2 WHERE id = $1', [
          rowId(postComment.id),
          offsetMs,
        ]);
        return postComment.id as string;
      };
      await post(viewer, 'second', 2500);
      await post(broadcaster, 'first', 1000);
      await post(blocker, 'from a blocker', 1500);
      await post(suspended, 'from a suspended account', 1600);
      const gone = await post(removed, 'removed', 1700);
      await post(viewer, 'later', 3000);
      await t.ok(REMOVE_COMMENT, { id: gone }, broadcaster.token);
      await t.sql('UPDATE users SET suspended_at = now() WHERE id = $1', [rowId(suspended.id)]);
      await t.ok(HEARTS, { id, count: 7 }, viewer.token);
      await eventually(
        () =>
          t.sql('SELECT hearts FROM broadcast_heart_bursts WHERE broadcast_id = $1', [rowId(id)]),
        (rows) => rows.length === 1,
        5000,
        'heart burst',
      );
      await t.sql('UPDATE broadcast_heart_bursts SET offset_ms = 2000 WHERE broadcast_id = $1', [
        rowId(id),
      ]);
      await t.ok(END, { id }, broadcaster.token);
      expect(await replayReady(t, publicName(id), '6000')).toBe(200);

      const window = (await t.ok(EVENTS, { id, from: 0, to: 3000 }, viewer.token)).broadcast
        .replayEvents;
      expect(window).toEqual({
        fromMs: 0,
        toMs: 3000,
        truncated: false,
        events: [
          {
            kind: 'COMMENT',
            offsetMs: 1000,
            hearts: null,
            comment: { text: 'first', author: { handle: broadcaster.handle } },
          },
          { kind: 'HEARTS', offsetMs: 2000, hearts: 7, comment: null },
          {
            kind: 'COMMENT',
            offsetMs: 2500,
            hearts: null,
            comment: { text: 'second', author: { handle: viewer.handle } },
          },
        ],
      });
      const page = (await t.ok(EVENTS, { id, from: 0, to: 3000, first: 2 }, viewer.token)).broadcast
        .replayEvents;
      expect(page.truncated).toBe(true);
      expect(page.events.map((e: any) => e.offsetMs)).toEqual([1000, 2000]);
      const next = (await t.ok(EVENTS, { id, from: 3000, to: 6000 }, viewer.token)).broadcast
        .replayEvents.events;
      expect(next.map((e: any) => e.comment?.text)).toEqual(['later']);
      // Someone the blocker does not block sees the blocker's comment.
      const other = (await t.ok(EVENTS, { id, from: 0, to: 3000 })).broadcast.replayEvents.events;
      expect(other.map((e: any) => e.comment?.text ?? e.kind)).toEqual([
        'first',
        'from a blocker',
        'HEARTS',
        'second',
      ]);
    });

    it('is null unless the replay is available: live, never recorded, deleted', async () => {
      const [broadcaster, liveOne, viewer] = [await t.signUp(), await t.signUp(), await t.signUp()];
      const eventsOf = async (id: string) =>
        (await t.ok(EVENTS, { id, from: 0, to: 3000 }, viewer.token)).broadcast.replayEvents;

      const { startBroadcast: live } = await t.ok(
        START,
        { input: { title: 'Live' } },
        liveOne.token,
      );
      await t.ok(COMMENT, { id: live.id, text: 'while live' }, viewer.token);
      // Recorded so far, but the broadcast is not over: its chat is the live one.
      expect(await replayReady(t, publicName(live.id), '6000')).toBe(200);
      expect(await eventsOf(live.id)).toBeNull();

      const { startBroadcast: unrecorded } = await t.ok(
        START,
        { input: { title: 'No video' } },
        broadcaster.token,
      );
      await t.ok(COMMENT, { id: unrecorded.id, text: 'never recorded' }, viewer.token);
      await t.ok(END, { id: unrecorded.id }, broadcaster.token);
      expect(await eventsOf(unrecorded.id)).toBeNull();

      const { id: deleted } = await endedWithReplay(broadcaster);
      await t.sql('UPDATE broadcast_comments SET broadcast_id = $1 WHERE broadcast_id = $2', [
        rowId(deleted),
        rowId(unrecorded.id),
      ]);
      expect((await eventsOf(deleted)).events).toHaveLength(1);
      await t.ok(DELETE, { id: deleted }, broadcaster.token);
      expect(await eventsOf(deleted)).toBeNull();
      // Bad input is still an error, not null.
      const bad = await t.gql(EVENTS, { id: deleted, from: 5, to: 1 }, viewer.token);
      expect(errorCode(bad)).toBe('BAD_USER_INPUT');
    });

    it('refuses bad windows with BAD_USER_INPUT naming the argument', async () => {
      const broadcaster = await t.signUp();
      const { id } = await endedWithReplay(broadcaster);
      const cases: [number, number, number | null, string | undefined][] = [
        [3000, 1000, null, 'toMs'],
        [-1, 1000, null, 'fromMs'],
        [0, 600_001, null, 'toMs'],
        [0, 2 ** 31, null, undefined],
        [1.5, 2, null, undefined],
        [0, 1000, 0, 'first'],
        [0, 1000, 101, 'first'],
      ];
      for (const [from, to, first, field] of cases) {
        const result = await t.gql(EVENTS, { id, from, to, first }, broadcaster.token);
        expect(errorCode(result)).toBe('BAD_USER_INPUT');
        if (field) expect(result.errors![0].message).toContain(field);
      }
    });
  });
});

// ---------------------------------------------------------------- nginx-rtmp and ffmpeg

describe('the reference media server configuration', () => {
  it("keeps the hook secret off the replay maker's command line (a file holds its hook URL)", () => {
    const conf = readFileSync(join(__dirname, '../docs/nginx-rtmp.conf'), 'utf8');
    const exec = conf.split('\n').filter((line) => /^\s*exec_record_done\s/.test(line));
    expect(exec).toHaveLength(1);
    // Anyone on the host sees a process's arguments (ps): the secret must not be one of them.
    expect(exec[0]).not.toMatch(/secret|CHANGE-ME/);
    const hookFile = exec[0].trim().replace(/;$/, '').split(/\s+/).pop();
    expect(hookFile).toMatch(/^\/etc\/seeit\/[\w.-]+$/);
  });
});

const mediaDescribe = mediaToolsAvailable() ? describe : describe.skip;

/** The playlist's segment lines and the sum of their EXTINF durations. */
function parsePlaylist(text: string): { segments: string[]; seconds: number } {
  const lines = text.split('\n').map((line) => line.trim());
  const seconds = lines
    .filter((line) => line.startsWith('#EXTINF:'))
    .reduce((sum, line) => sum + Number.parseFloat(line.slice(8)), 0);
  return { segments: lines.filter((line) => line.endsWith('.ts')), seconds };
}

mediaDescribe('replays recorded by a real nginx-rtmp while ffmpeg publishes', () => {
  const grace = 2;
  let t: TestApp | undefined;
  let media: MediaServer | undefined;

  beforeAll(async () => {
    media = await MediaServer.prepare(SECRET);
    t = await TestApp.start({
      ...media.appEnv(),
      MEDIA_PUBLISH_DONE_GRACE_SECONDS: String(grace),
      MEDIA_REPLAY_DIR: media.replayDir,
    });
    await media.start(`${t.url}/media/hooks`);
  }, 60_000);

  afterAll(async () => {
    await media?.close();
    await t?.close();
  });

  it('makes a VOD replay after the end, with the chat in step; FOLLOWERS replays are signed for followers only', async () => {
    const app = t!;
    const server = media!;
    // Two broadcasters: one account is LIVE in one broadcast at a time.
    const [broadcaster, other, follower, stranger] = [
      await app.signUp(),
      await app.signUp(),
      await app.signUp(),
      await app.signUp(),
    ];
    await app.ok(FOLLOW, { id: broadcaster.id }, follower.token);
    await app.ok(FOLLOW, { id: other.id }, follower.token);
    const schedule = async (visibility: string, by: TestUser) =>
      (
        await app.ok(
          START,
          {
            input: {
              title: visibility,
              visibility,
              scheduledFor: new Date(Date.now() + 3600_000).toISOString(),
            },
          },
          by.token,
        )
      ).startBroadcast;
    const shown = await schedule('PUBLIC', broadcaster);
    const timeline = await app.subscribe(TIMELINE, {}, follower.token);
    const folder = (id: string) => join(server.replayDir, publicName(id));
    const failure = () => `nginx:\n${server.log()}`;
    /** Every update about the broadcast, with whether the playlist existed when it came. */
    const seen: { kind: string; replayAvailable: boolean; filesThen: boolean }[] = [];
    const watching = (async () => {
      for (;;) {
        const { timelineUpdates: update } = await timeline.nextData(30_000);
        if (update.item?.id !== shown.id) continue;
        seen.push({
          kind: update.kind,
          replayAvailable: update.item.replayAvailable,
          filesThen: existsSync(join(folder(shown.id), 'index.m3u8')),
        });
        if (update.item.replayAvailable) return;
      }
    })();
    // Awaited below; a failure before that must not surface as an unhandled rejection.
    watching.catch(() => undefined);
    try {
      // 6 s of test pattern: ffmpeg stops by itself, nginx calls publish-done and records.
      const encoder = server.publish(`${shown.ingest.rtmpUrl}/${shown.ingest.streamKey}`, 6);
      const liveAt = (
        await eventually(
          async () => ({ at: Date.now(), ...(await app.ok(READ, { id: shown.id })).broadcast }),
          (b) => b.status === 'LIVE',
          15_000,
          `LIVE (${encoder.output()} ${failure()})`,
        )
      ).at;
      await sleep(Math.max(0, liveAt + 1000 - Date.now()));
      await app.ok(COMMENT, { id: shown.id, text: 'at one second' }, follower.token);
      await sleep(Math.max(0, liveAt + 4000 - Date.now()));
      await app.ok(COMMENT, { id: shown.id, text: 'at four seconds' }, follower.token);

      // A FOLLOWERS broadcast alongside, which the broadcaster ends before the encoder stops: the
      // card is ENDED without a replay, then UPDATED once the files are written.
      const hidden = await schedule('FOLLOWERS', other);
      const second = server.publish(`${hidden.ingest.rtmpUrl}/${hidden.ingest.streamKey}`);
      await eventually(
        async () => (await app.ok(READ, { id: hidden.id }, other.token)).broadcast.status,
        (status) => status === 'LIVE',
        15_000,
        'second broadcast LIVE',
      );
      await sleep(2500);
      const ended = await app.ok(READ, { id: hidden.id }, other.token);
      expect(ended.broadcast.replay).toBeNull();
      await app.ok(END, { id: hidden.id }, other.token);
      await stop(second.process);

      await watching;
      // Never announced before the playlist was on disk.
      expect(seen.every((update) => !update.replayAvailable || update.filesThen)).toBe(true);
      expect(seen.at(-1)).toMatchObject({ replayAvailable: true });
      const { broadcast } = await app.ok(READ, { id: shown.id }, stranger.token);
      expect(broadcast.status).toBe('ENDED');
      expect(Math.abs(broadcast.replay.durationMs - 6000)).toBeLessThanOrEqual(1000);

      // The playlist, through nginx: VOD, complete, 6 s ± 1, every segment served and readable.
      const playlist = await fetch(broadcast.replay.playbackUrl);
      expect(playlist.status).toBe(200);
      const text = await playlist.text();
      expect(text).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
      expect(text.trim().endsWith('#EXT-X-ENDLIST')).toBe(true);
      const { segments, seconds } = parsePlaylist(text);
      expect(Math.abs(seconds - 6)).toBeLessThanOrEqual(1);
      expect(segments.length).toBeGreaterThan(0);
      for (const segment of segments) {
        const url = new URL(segment, broadcast.replay.playbackUrl).toString();
        const probe = spawnSync(
          'ffprobe',
          ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', url],
          { encoding: 'utf8', timeout: 10_000 },
        );
        expect({ segment, status: probe.status, stderr: probe.stderr }).toEqual({
          segment,
          status: 0,
          stderr: '',
        });
      }
      // Nothing under the stream key, no recording left behind.
      expect(readdirSync(server.replayDir).some((f) => f.includes(shown.ingest.streamKey))).toBe(
        false,
      );

      // The chat in step.
      const window = async (from: number, to: number) =>
        (
          await app.ok(EVENTS, { id: shown.id, from, to }, stranger.token)
        ).broadcast.replayEvents.events
          .filter((e: any) => e.kind === 'COMMENT')
          .map((e: any) => e.comment.text);
      expect(await window(0, 3000)).toEqual(['at one second']);
      expect(await window(3000, 7000)).toEqual(['at four seconds']);

      // The FOLLOWERS replay: its follower's signed address plays, a stranger's does not.
      const { broadcast: own } = await app.ok(READ, { id: hidden.id }, follower.token);
      expect(own.replay).not.toBeNull();
      const signed = own.replay.playbackUrl as string;
      expect((await fetch(signed)).status).toBe(200);
      expect(errorCode(await app.gql(READ, { id: hidden.id }, stranger.token))).toBe('NOT_FOUND');
      const name = publicName(hidden.id);
      const hls = server.hlsUrl;
      const [, , , , token, expires] = new URL(signed).pathname.split('/');
      const publicUrl = new URL(broadcast.replay.playbackUrl).pathname.split('/');
      const past = Math.floor(Date.now() / 1000) - 60;
      for (const [url, status] of [
        // The address a stranger can guess from the live playback name: unsigned.
        [`${hls}/replays/${name}/index.m3u8`, 403],
        // The token of a replay the stranger may watch, on this one.
        [`${hls}/replays/${publicUrl[4]}/${publicUrl[5]}/${name}/index.m3u8`, 403],
        // A later expiry than signed.
        [`${hls}/replays/${token}/${Number(expires) + 3600}/${name}/index.m3u8`, 403],
        // Signed correctly but expired.
        [`${hls}/replays/${replayToken(name, past, SECRET)}/${past}/${name}/index.m3u8`, 410],
      ] as const) {
        expect({ url, status: (await fetch(url)).status }).toEqual({ url, status });
      }

      // Deleting it removes the files: the follower's address plays no more.
      await app.ok(DELETE, { id: hidden.id }, other.token);
      await eventually(
        () => fetch(signed).then((r) => r.status),
        (status) => status === 404,
        5000,
        'deleted replay',
      );
      expect(existsSync(folder(hidden.id))).toBe(false);
      expect(existsSync(folder(shown.id))).toBe(true);
      expect(readdirSync(join(server.dir, 'recordings'))).toEqual([]);
    } finally {
      await timeline.close();
    }
  }, 60_000);
});
