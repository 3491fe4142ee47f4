import {
  BroadcastEvents,
  BroadcastLifecycleService,
  BroadcastStream,
  broadcastTopic,
  HeartsService,
  PresenceService,
} from '@app/broadcasts';
import { toGlobalId } from '@app/common';
import { BusMessage, EventBus } from '@app/realtime';
import { errorCode, GraphQLResponse, TestApp, TestSubscription, TestUser } from '@app/testing';

/**
 * Live broadcasts over real HTTP and websockets: the lifecycle (start, schedule, go live, end,
 * cancel), visibility, presence, hearts, chat, bans, liveNow, and the broadcastEvents stream.
 * Every failure path checks its code and that nothing changed.
 */

const BROADCAST_FIELDS = `id title status visibility chatMode scheduledFor startedAt endedAt
  viewerCount peakViewerCount heartCount commentsCount playbackUrl replayAvailable
  ingest { rtmpUrl streamKey } broadcaster { id handle }`;

const START = `mutation($input: StartBroadcastInput!) { startBroadcast(input: $input) { ${BROADCAST_FIELDS} } }`;
const END = `mutation($id: ID!) { endBroadcast(id: $id) { ${BROADCAST_FIELDS} } }`;
const CANCEL = `mutation($id: ID!) { cancelBroadcast(id: $id) { id status endedAt } }`;
const CHAT_MODE = `mutation($id: ID!, $mode: ChatMode!) { setChatMode(broadcastId: $id, mode: $mode) { id chatMode } }`;
const JOIN = `mutation($id: ID!) { joinBroadcast(id: $id) { id viewerCount peakViewerCount } }`;
const LEAVE = `mutation($id: ID!) { leaveBroadcast(id: $id) { id viewerCount peakViewerCount } }`;
const HEARTS = `mutation($id: ID!, $count: Int) { sendHearts(broadcastId: $id, count: $count) }`;
const COMMENT = `mutation($id: ID!, $text: String!) {
  postComment(broadcastId: $id, text: $text) { id text offsetMs createdAt author { handle } broadcast { id } } }`;
const REMOVE_COMMENT = `mutation($id: ID!) { removeComment(id: $id) }`;
const BAN = `mutation($id: ID!, $userId: ID!) { banViewer(broadcastId: $id, userId: $userId) }`;
const BROADCAST = `query($id: ID!) { broadcast(id: $id) { ${BROADCAST_FIELDS} } }`;
const COMMENTS = `query($id: ID!, $first: Int, $after: String) {
  broadcast(id: $id) {
    comments(first: $first, after: $after) {
      edges { cursor node { id text offsetMs author { handle } } }
      pageInfo { hasNextPage hasPreviousPage endCursor }
    }
  }
}`;
const LIVE_NOW = `query($first: Int, $after: String) {
  liveNow(first: $first, after: $after) {
    edges { cursor node { id viewerCount broadcaster { handle } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const LIVE_BROADCAST = `query($handle: String!) { user(handle: $handle) { liveBroadcast { id status } } }`;
const NODE = `query($id: ID!) {
  node(id: $id) { __typename id ... on Broadcast { title } ... on BroadcastComment { text } } }`;
const BLOCK = `mutation($id: ID!) { block(userId: $id) { id } }`;
const EVENTS = `subscription($id: ID!) {
  broadcastEvents(broadcastId: $id) {
    kind viewerCount heartCount heartsDelta at
    broadcast { id status viewerCount broadcaster { handle } ingest { streamKey } }
    comment { id text offsetMs author { handle } }
  }
}`;

/** The database id inside a global id ("Broadcast:12" -> "12"). */
function rowId(globalId: string): string {
  return Buffer.from(globalId, 'base64url').toString().split(':')[1];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface BroadcastEvent {
  kind: string;
  viewerCount: number;
  heartCount: number;
  heartsDelta: number;
  at: string;
  broadcast: {
    id: string;
    status: string;
    viewerCount: number;
    broadcaster: { handle: string };
    ingest: { streamKey: string } | null;
  };
  comment: { id: string; text: string; offsetMs: number; author: { handle: string } } | null;
}

describe('broadcasts (e2e)', () => {
  let t: TestApp;
  let admin: TestUser;
  const subscriptions: TestSubscription[] = [];

  beforeAll(async () => {
    t = await TestApp.start({ RATE_LIMIT_COMMENTS: '5/10s' });
    admin = await t.signUp();
    await t.sql(`UPDATE users SET role = 'ADMIN' WHERE id = $1`, [rowId(admin.id)]);
  });
  afterEach(async () => {
    await Promise.all(subscriptions.splice(0).map((sub) => sub.close()));
  });
  afterAll(() => t.close());

  /** Every broadcast row and table a mutation may touch, to prove a failure changed nothing. */
  async function snapshot() {
    return {
      broadcasts: await t.sql(
        `SELECT id, broadcaster_id, title, status, visibility, chat_mode, scheduled_for, started_at,
                ended_at, viewer_count, peak_viewer_count, heart_count, comments_count
         FROM broadcasts ORDER BY id`,
      ),
      viewers: await t.sql('SELECT broadcast_id, user_id FROM broadcast_viewers ORDER BY 1, 2'),
      hearts: await t.sql(
        'SELECT broadcast_id, user_id, counted FROM broadcast_hearts ORDER BY 1, 2',
      ),
      comments: await t.sql(
        'SELECT id, broadcast_id, author_id, text FROM broadcast_comments ORDER BY id',
      ),
      bans: await t.sql('SELECT broadcast_id, user_id FROM broadcast_bans ORDER BY 1, 2'),
    };
  }

  /**
   * What the service writes in the background (buffered hearts, viewers uncounted when their
   * subscription closed) has landed.
   */
  async function backgroundWritten(): Promise<void> {
    await t.app.get(HeartsService).settled();
    await t.app.get(BroadcastStream).settled();
  }

  /** Runs a request that must fail with `code` and leave every broadcast table as it was. */
  async function expectRejected(
    run: () => Promise<GraphQLResponse>,
    code: string,
  ): Promise<GraphQLResponse> {
    await backgroundWritten();
    const before = await snapshot();
    const result = await run();
    expect(result.errors).toHaveLength(1);
    expect(errorCode(result)).toBe(code);
    expect(result.errors?.[0].extensions?.stacktrace).toBeUndefined();
    expect(result.data ?? null).toBeNull();
    // Hearts a refused request had wrongly buffered would be written by now.
    await backgroundWritten();
    expect(await snapshot()).toEqual(before);
    return result;
  }

  async function start(
    user: TestUser,
    input: Record<string, unknown> = {},
  ): Promise<Record<string, any>> {
    return (await t.ok(START, { input: { title: 'Live from the puddle', ...input } }, user.token))
      .startBroadcast;
  }

  const read = async (id: string, viewer?: TestUser) =>
    (await t.ok(BROADCAST, { id }, viewer?.token)).broadcast;

  async function subscribe(id: string, viewer?: TestUser): Promise<TestSubscription> {
    const sub = await t.subscribe(EVENTS, { id }, viewer?.token);
    subscriptions.push(sub);
    return sub;
  }

  /** Reads events until one matches, skipping the others (throttled events may come between). */
  async function eventWhere(
    sub: TestSubscription,
    match: (event: BroadcastEvent) => boolean,
    timeoutMs = 5000,
  ): Promise<BroadcastEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('No matching broadcast event arrived');
      const event = (await sub.nextData(left)).broadcastEvents as BroadcastEvent;
      if (match(event)) return event;
    }
  }

  async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const value = await probe();
      if (done(value) || Date.now() > deadline) return value;
      await sleep(100);
    }
  }

  describe('starting', () => {
    it('goes LIVE now, with the ingest only for the broadcaster', async () => {
      const broadcaster = await t.signUp();
      const viewer = await t.signUp();
      const live = await start(broadcaster, { title: '  Q&A about puddles  ' });
      expect(live).toMatchObject({
        title: 'Q&A about puddles',
        status: 'LIVE',
        visibility: 'PUBLIC',
        chatMode: 'EVERYONE',
        scheduledFor: null,
        endedAt: null,
        viewerCount: 0,
        replayAvailable: false,
        broadcaster: { id: broadcaster.id },
      });
      expect(Date.now() - Date.parse(live.startedAt)).toBeLessThan(10_000);
      expect(live.ingest.rtmpUrl).toBe('rtmp://localhost:1935/live');
      expect(live.ingest.streamKey).toMatch(/^[A-Za-z0-9_-]{32}$/);
      // Named after the public playback name: viewers never learn the stream key.
      expect(live.playbackUrl).toMatch(
        new RegExp(`^http://localhost:8080/hls/${rowId(live.id)}-[A-Za-z0-9_-]{16}\\.m3u8$`),
      );
      expect(live.playbackUrl).not.toContain(live.ingest.streamKey);
      const seen = await read(live.id, viewer);
      expect(seen.ingest).toBeNull();
      expect(seen.playbackUrl).toBe(live.playbackUrl);
      expect((await read(live.id)).ingest).toBeNull();
    });

    it('schedules a future broadcast and starts a past one now', async () => {
      const broadcaster = await t.signUp();
      const at = new Date(Date.now() + 3_600_000).toISOString();
      const scheduled = await start(broadcaster, { scheduledFor: at });
      expect(scheduled).toMatchObject({
        status: 'SCHEDULED',
        scheduledFor: at,
        startedAt: null,
        playbackUrl: null,
      });
      const past = await start(broadcaster, {
        scheduledFor: new Date(Date.now() - 60_000).toISOString(),
      });
      expect(past).toMatchObject({ status: 'LIVE', scheduledFor: null });
    });

    describe('refuses a scheduledFor that is not a real date-time (BAD_USER_INPUT)', () => {
      const BAD = [
        'garbage',
        '',
        '2099-13-45T99:99:99Z',
        '99999-01-01T00:00:00Z',
        '2099-02-30T00:00:00Z',
        '-271821-04-20T00:00:00Z',
        '2099-06-01T20:00:00',
      ];
      let broadcaster: TestUser;
      let follower: TestUser;
      beforeAll(async () => {
        broadcaster = await t.signUp();
        follower = await t.signUp();
        await t.follow(follower, broadcaster);
      });
      const notifications = () =>
        t.sql('SELECT id FROM notifications WHERE recipient_id = $1', [rowId(follower.id)]);

      it.each(BAD)('as a variable: %j', async (scheduledFor) => {
        const result = await expectRejected(
          () => t.gql(START, { input: { title: 'x', scheduledFor } }, broadcaster.token),
          'BAD_USER_INPUT',
        );
        expect(result.errors![0].message).toContain('input.scheduledFor');
        expect(result.errors![0].message).toMatch(/DateTime must be an ISO 8601 date-time/);
        expect(await notifications()).toEqual([]);
      });

      it.each(BAD)('written in the query: %j', async (scheduledFor) => {
        const literal = `mutation { startBroadcast(input: { title: "x", scheduledFor: ${JSON.stringify(scheduledFor)} }) { id } }`;
        const result = await expectRejected(
          () => t.gql(literal, {}, broadcaster.token),
          'BAD_USER_INPUT',
        );
        expect(result.errors![0].message).toContain(
          `Expected value of type "DateTime", found ${JSON.stringify(scheduledFor)}`,
        );
        expect(result.errors![0].locations).toEqual([
          { line: 1, column: literal.indexOf(JSON.stringify(scheduledFor)) + 1 },
        ]);
        expect(await notifications()).toEqual([]);
      });
    });

    it('reads a scheduledFor with an offset as that instant', async () => {
      const broadcaster = await t.signUp();
      const scheduled = await start(broadcaster, { scheduledFor: '2099-06-01T22:00:00+02:00' });
      expect(scheduled).toMatchObject({
        status: 'SCHEDULED',
        scheduledFor: '2099-06-01T20:00:00.000Z',
      });
    });

    it.each([
      ['an empty title', '   '],
      ['a 141-character title', 'x'.repeat(141)],
    ])('refuses %s (BAD_USER_INPUT)', async (_case, title) => {
      const broadcaster = await t.signUp();
      const result = await expectRejected(
        () => t.gql(START, { input: { title } }, broadcaster.token),
        'BAD_USER_INPUT',
      );
      expect(result.errors?.[0].extensions?.fields[0].field).toBe('title');
    });

    it('needs a signed-in account', async () => {
      await expectRejected(() => t.gql(START, { input: { title: 'x' } }), 'UNAUTHENTICATED');
    });

    it('allows one LIVE broadcast per user (CONFLICT)', async () => {
      const broadcaster = await t.signUp();
      await start(broadcaster);
      await expectRejected(
        () => t.gql(START, { input: { title: 'again' } }, broadcaster.token),
        'CONFLICT',
      );
      // Scheduling another one stays possible.
      await start(broadcaster, { scheduledFor: new Date(Date.now() + 60_000).toISOString() });
    });

    it('lets exactly one of two concurrent starts go live', async () => {
      const broadcaster = await t.signUp();
      const results = await Promise.all(
        [1, 2, 3].map((n) => t.gql(START, { input: { title: `try ${n}` } }, broadcaster.token)),
      );
      expect(results.filter((r) => !r.errors)).toHaveLength(1);
      expect(results.filter((r) => errorCode(r) === 'CONFLICT')).toHaveLength(2);
      const rows = await t.sql(`SELECT status FROM broadcasts WHERE broadcaster_id = $1`, [
        rowId(broadcaster.id),
      ]);
      expect(rows).toEqual([{ status: 'LIVE' }]);
    });

    it('notifies followers again only 10 minutes after the last go-live', async () => {
      const broadcaster = await t.signUp();
      const seen: boolean[] = [];
      t.app.get(BroadcastEvents).on('wentLive', (_manager, event) => {
        if (event.broadcast.broadcasterId === rowId(broadcaster.id)) {
          seen.push(event.notifyFollowers);
        }
        return Promise.resolve();
      });
      const first = await start(broadcaster);
      await t.ok(END, { id: first.id }, broadcaster.token);
      const second = await start(broadcaster);
      await t.ok(END, { id: second.id }, broadcaster.token);
      await t.sql(
        `UPDATE broadcasts SET started_at = started_at - interval '11 minutes' WHERE broadcaster_id = $1`,
        [rowId(broadcaster.id)],
      );
      await start(broadcaster);
      expect(seen).toEqual([true, false, true]);
    });
  });

  describe('stream-key hooks', () => {
    it('takes a SCHEDULED broadcast live, keeps a LIVE one, refuses unknown keys', async () => {
      const broadcasts = t.app.get(BroadcastLifecycleService);
      const broadcaster = await t.signUp();
      const scheduled = await start(broadcaster, {
        scheduledFor: new Date(Date.now() + 3_600_000).toISOString(),
      });
      const key = scheduled.ingest.streamKey as string;
      const live = await broadcasts.startByStreamKey(key);
      expect(live.status).toBe('LIVE');
      expect(live.startedAt).toBeInstanceOf(Date);
      const again = await broadcasts.startByStreamKey(key);
      expect(again.startedAt).toEqual(live.startedAt);
      await expect(broadcasts.startByStreamKey('no-such-key')).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      const ended = await broadcasts.endByStreamKey(key);
      expect(ended.status).toBe('ENDED');
      expect(await broadcasts.endByStreamKey(key)).toEqual(ended);
      await expect(broadcasts.startByStreamKey(key)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(broadcasts.endByStreamKey('no-such-key')).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    });

    it('refuses to take a scheduled broadcast live while another one is (CONFLICT)', async () => {
      const broadcaster = await t.signUp();
      const scheduled = await start(broadcaster, {
        scheduledFor: new Date(Date.now() + 3_600_000).toISOString(),
      });
      await start(broadcaster);
      await expect(
        t.app.get(BroadcastLifecycleService).startByStreamKey(scheduled.ingest.streamKey),
      ).rejects.toMatchObject({ code: 'CONFLICT' });
      expect((await read(scheduled.id, broadcaster)).status).toBe('SCHEDULED');
    });
  });

  describe('ending, canceling and chat modes', () => {
    it('ends a LIVE broadcast: viewers uncounted, peak kept, no replay without video', async () => {
      const broadcaster = await t.signUp();
      const viewer = await t.signUp();
      const live = await start(broadcaster);
      await t.ok(JOIN, { id: live.id }, viewer.token);
      const ended = (await t.ok(END, { id: live.id }, broadcaster.token)).endBroadcast;
      expect(ended).toMatchObject({
        status: 'ENDED',
        viewerCount: 0,
        peakViewerCount: 1,
        // Started through the API and never published: nothing was recorded.
        replayAvailable: false,
        playbackUrl: null,
      });
      expect(ended.endedAt).not.toBeNull();
      expect(
        await t.sql('SELECT 1 FROM broadcast_viewers WHERE broadcast_id = $1', [rowId(live.id)]),
      ).toEqual([]);
    });

    it("refuses to end someone else's broadcast (FORBIDDEN) or an ended one (CONFLICT)", async () => {
      const broadcaster = await t.signUp();
      const other = await t.signUp();
      const live = await start(broadcaster);
      await expectRejected(() => t.gql(END, { id: live.id }, other.token), 'FORBIDDEN');
      await t.ok(END, { id: live.id }, broadcaster.token);
      await expectRejected(() => t.gql(END, { id: live.id }, broadcaster.token), 'CONFLICT');
      await expectRejected(() => t.gql(END, { id: live.id }, other.token), 'FORBIDDEN');
    });

    it('refuses to end a SCHEDULED broadcast (CONFLICT) and lets an admin end any', async () => {
      const broadcaster = await t.signUp();
      const scheduled = await start(broadcaster, {
        scheduledFor: new Date(Date.now() + 60_000).toISOString(),
      });
      await expectRejected(() => t.gql(END, { id: scheduled.id }, broadcaster.token), 'CONFLICT');
      const live = await start(broadcaster);
      // An admin the broadcaster blocks still moderates.
      await t.ok(BLOCK, { id: admin.id }, broadcaster.token);
      expect((await t.ok(END, { id: live.id }, admin.token)).endBroadcast.status).toBe('ENDED');
    });

    it('answers NOT_FOUND to a viewer the broadcaster blocks, and for unknown ids', async () => {
      const broadcaster = await t.signUp();
      const blocked = await t.signUp();
      const live = await start(broadcaster);
      await t.ok(BLOCK, { id: blocked.id }, broadcaster.token);
      await expectRejected(() => t.gql(END, { id: live.id }, blocked.token), 'NOT_FOUND');
      await expectRejected(
        () => t.gql(END, { id: toGlobalId('Broadcast', '987654321') }, broadcaster.token),
        'NOT_FOUND',
      );
      await expectRejected(
        () => t.gql(END, { id: toGlobalId('Post', live.id) }, broadcaster.token),
        'BAD_USER_INPUT',
      );
    });

    it('cancels only a SCHEDULED broadcast, only its broadcaster', async () => {
      const broadcaster = await t.signUp();
      const other = await t.signUp();
      const scheduled = await start(broadcaster, {
        scheduledFor: new Date(Date.now() + 60_000).toISOString(),
      });
      await expectRejected(() => t.gql(CANCEL, { id: scheduled.id }, other.token), 'FORBIDDEN');
      const canceled = (await t.ok(CANCEL, { id: scheduled.id }, broadcaster.token))
        .cancelBroadcast;
      expect(canceled.status).toBe('CANCELED');
      await expectRejected(
        () => t.gql(CANCEL, { id: scheduled.id }, broadcaster.token),
        'CONFLICT',
      );
      const live = await start(broadcaster);
      await expectRejected(() => t.gql(CANCEL, { id: live.id }, broadcaster.token), 'CONFLICT');
      expect(
        await t.app.get(BroadcastLifecycleService).startByStreamKey(live.ingest.streamKey),
      ).toMatchObject({ status: 'LIVE' });
      await expect(
        t.app.get(BroadcastLifecycleService).endByStreamKey(scheduled.ingest.streamKey),
      ).rejects.toMatchObject({ code: 'CONFLICT' });
    });

    it('changes the chat mode: broadcaster only, not once finished; watchers are told', async () => {
      const broadcaster = await t.signUp();
      const other = await t.signUp();
      const live = await start(broadcaster);
      const watching = await t.subscribe<{ broadcastEvents: { kind: string; broadcast: object } }>(
        `subscription($id: ID!) { broadcastEvents(broadcastId: $id) { kind broadcast { chatMode } } }`,
        { id: live.id },
        other.token,
      );
      expect(
        (await t.ok(CHAT_MODE, { id: live.id, mode: 'FOLLOWERS' }, broadcaster.token)).setChatMode
          .chatMode,
      ).toBe('FOLLOWERS');
      expect((await watching.nextData()).broadcastEvents).toEqual({
        kind: 'CHAT_MODE',
        broadcast: { chatMode: 'FOLLOWERS' },
      });
      await expectRejected(
        () => t.gql(CHAT_MODE, { id: live.id, mode: 'OFF' }, other.token),
        'FORBIDDEN',
      );
      await t.ok(END, { id: live.id }, broadcaster.token);
      await expectRejected(
        () => t.gql(CHAT_MODE, { id: live.id, mode: 'OFF' }, broadcaster.token),
        'CONFLICT',
      );
      expect((await watching.nextData()).broadcastEvents.kind).toBe('ENDED');
      await watching.close();
    });
  });

  describe('visibility', () => {
    it('shows a FOLLOWERS broadcast only to the broadcaster and their followers', async () => {
      const broadcaster = await t.signUp();
      const follower = await t.signUp();
      const stranger = await t.signUp();
      await t.follow(follower, broadcaster);
      const live = await start(broadcaster, { visibility: 'FOLLOWERS' });
      expect((await read(live.id, follower)).visibility).toBe('FOLLOWERS');
      expect((await read(live.id, broadcaster)).id).toBe(live.id);
      for (const viewer of [stranger, undefined]) {
        const result = await t.gql(BROADCAST, { id: live.id }, viewer?.token);
        expect(errorCode(result)).toBe('NOT_FOUND');
        expect((await t.ok(NODE, { id: live.id }, viewer?.token)).node).toBeNull();
      }
      await expectRejected(() => t.gql(JOIN, { id: live.id }, stranger.token), 'NOT_FOUND');
    });

    it('resolves node(id) for broadcasts and comments', async () => {
      const broadcaster = await t.signUp();
      const live = await start(broadcaster, { title: 'By node' });
      const comment = (await t.ok(COMMENT, { id: live.id, text: 'hi' }, broadcaster.token))
        .postComment;
      expect((await t.ok(NODE, { id: live.id })).node).toEqual({
        __typename: 'Broadcast',
        id: live.id,
        title: 'By node',
      });
      expect((await t.ok(NODE, { id: comment.id })).node).toEqual({
        __typename: 'BroadcastComment',
        id: comment.id,
        text: 'hi',
      });
      const blocked = await t.signUp();
      await t.ok(BLOCK, { id: blocked.id }, broadcaster.token);
      expect((await t.ok(NODE, { id: live.id }, blocked.token)).node).toBeNull();
      expect((await t.ok(NODE, { id: comment.id }, blocked.token)).node).toBeNull();
    });

    it('gives User.liveBroadcast as the viewer may see it', async () => {
      const broadcaster = await t.signUp();
      const stranger = await t.signUp();
      const live = await start(broadcaster, { visibility: 'FOLLOWERS' });
      const liveOf = async (viewer: TestUser) =>
        (await t.ok(LIVE_BROADCAST, { handle: broadcaster.handle }, viewer.token)).user
          .liveBroadcast;
      expect(await liveOf(broadcaster)).toEqual({ id: live.id, status: 'LIVE' });
      expect(await liveOf(stranger)).toBeNull();
      await t.follow(stranger, broadcaster);
      expect(await liveOf(stranger)).toEqual({ id: live.id, status: 'LIVE' });
      await t.ok(END, { id: live.id }, broadcaster.token);
      expect(await liveOf(stranger)).toBeNull();
    });
  });

  describe('presence', () => {
    it('counts a viewer once however many joins, and keeps the peak; not the broadcaster', async () => {
      const broadcaster = await t.signUp();
      const [a, b] = [await t.signUp(), await t.signUp()];
      const live = await start(broadcaster);
      expect((await t.ok(JOIN, { id: live.id }, broadcaster.token)).joinBroadcast.viewerCount).toBe(
        0,
      );
      expect((await t.ok(JOIN, { id: live.id }, a.token)).joinBroadcast.viewerCount).toBe(1);
      expect((await t.ok(JOIN, { id: live.id }, a.token)).joinBroadcast.viewerCount).toBe(1);
      await Promise.all([1, 2, 3].map(() => t.ok(JOIN, { id: live.id }, b.token)));
      expect((await read(live.id)).viewerCount).toBe(2);
      expect((await t.ok(LEAVE, { id: live.id }, a.token)).leaveBroadcast).toMatchObject({
        viewerCount: 1,
        peakViewerCount: 2,
      });
      // Leaving again changes nothing.
      expect((await t.ok(LEAVE, { id: live.id }, a.token)).leaveBroadcast.viewerCount).toBe(1);
      await t.ok(LEAVE, { id: live.id }, b.token);
      expect(await read(live.id)).toMatchObject({ viewerCount: 0, peakViewerCount: 2 });
    });

    it('uncounts viewers who stopped joining for 60 s', async () => {
      const broadcaster = await t.signUp();
      const [a, b] = [await t.signUp(), await t.signUp()];
      const live = await start(broadcaster);
      await t.ok(JOIN, { id: live.id }, a.token);
      await t.ok(JOIN, { id: live.id }, b.token);
      await t.sql(
        `UPDATE broadcast_viewers SET expires_at = now() - interval '1 second'
         WHERE broadcast_id = $1 AND user_id = $2`,
        [rowId(live.id), rowId(a.id)],
      );
      await t.app.get(PresenceService).sweep();
      expect((await read(live.id)).viewerCount).toBe(1);
      expect(
        await t.sql('SELECT user_id FROM broadcast_viewers WHERE broadcast_id = $1', [
          rowId(live.id),
        ]),
      ).toEqual([{ user_id: rowId(b.id) }]);
    });

    it("takes a deleted account's presence and comments off other broadcasts", async () => {
      const broadcaster = await t.signUp();
      const leaving = await t.signUp();
      const staying = await t.signUp();
      const live = await start(broadcaster);
      await t.ok(JOIN, { id: live.id }, leaving.token);
      await t.ok(JOIN, { id: live.id }, staying.token);
      await t.ok(COMMENT, { id: live.id, text: 'bye' }, leaving.token);
      await t.ok(COMMENT, { id: live.id, text: 'hi' }, staying.token);
      await t.ok(
        `mutation($password: String!) { deleteAccount(password: $password) }`,
        { password: 'correct horse battery' },
        leaving.token,
      );
      expect(await read(live.id)).toMatchObject({
        viewerCount: 1,
        peakViewerCount: 2,
        commentsCount: 1,
      });
    });

    it.each([
      ['ended', 'end'],
      ['canceled', 'cancel'],
    ])('refuses to join an %s broadcast (NOT_FOUND)', async (_state, how) => {
      const broadcaster = await t.signUp();
      const viewer = await t.signUp();
      const broadcast =
        how === 'end'
          ? await start(broadcaster)
          : await start(broadcaster, {
              scheduledFor: new Date(Date.now() + 60_000).toISOString(),
            });
      await t.ok(how === 'end' ? END : CANCEL, { id: broadcast.id }, broadcaster.token);
      await expectRejected(() => t.gql(JOIN, { id: broadcast.id }, viewer.token), 'NOT_FOUND');
    });

    it('refuses to join a broadcast that has not started (CONFLICT)', async () => {
      const broadcaster = await t.signUp();
      const viewer = await t.signUp();
      const scheduled = await start(broadcaster, {
        scheduledFor: new Date(Date.now() + 60_000).toISOString(),
      });
      await expectRejected(() => t.gql(JOIN, { id: scheduled.id }, viewer.token), 'CONFLICT');
    });
  });

  describe('hearts', () => {
    it.each([0, -1, 101, 10_000])('refuses %p hearts (BAD_USER_INPUT)', async (count) => {
      const broadcaster = await t.signUp();
      const viewer = await t.signUp();
      const live = await start(broadcaster);
      const result = await expectRejected(
        () => t.gql(HEARTS, { id: live.id, count }, viewer.token),
        'BAD_USER_INPUT',
      );
      expect(result.errors?.[0].extensions?.fields[0].field).toBe('count');
    });

    it('counts at most 500 hearts per viewer', async () => {
      const broadcaster = await t.signUp();
      const [greedy, modest] = [await t.signUp(), await t.signUp()];
      const live = await start(broadcaster);
      for (let i = 0; i < 4; i += 1) {
        await t.ok(HEARTS, { id: live.id, count: 100 }, greedy.token);
      }
      await t.app.get(HeartsService).settled();
      for (let i = 0; i < 3; i += 1) {
        await t.ok(HEARTS, { id: live.id, count: 100 }, greedy.token);
      }
      expect((await t.ok(HEARTS, { id: live.id }, modest.token)).sendHearts).toBe(true);
      const broadcast = await until(
        () => read(live.id),
        (b) => b.heartCount === 501,
      );
      expect(broadcast.heartCount).toBe(501);
      expect(
        await t.sql(
          'SELECT user_id, counted FROM broadcast_hearts WHERE broadcast_id = $1 ORDER BY counted',
          [rowId(live.id)],
        ),
      ).toEqual([
        { user_id: rowId(modest.id), counted: 1 },
        { user_id: rowId(greedy.id), counted: 500 },
      ]);
    });

    it('refuses hearts for a broadcast that is over (NOT_FOUND)', async () => {
      const broadcaster = await t.signUp();
      const viewer = await t.signUp();
      const live = await start(broadcaster);
      await t.ok(END, { id: live.id }, broadcaster.token);
      await expectRejected(
        () => t.gql(HEARTS, { id: live.id, count: 5 }, viewer.token),
        'NOT_FOUND',
      );
    });
  });

  describe('chat', () => {
    it('keeps each comment with its offset from the start, in replay order', async () => {
      const broadcaster = await t.signUp();
      const viewer = await t.signUp();
      const live = await start(broadcaster);
      await t.sql(`UPDATE broadcasts SET started_at = now() - interval '5 seconds' WHERE id = $1`, [
        rowId(live.id),
      ]);
      const texts = ['first', '  second  ', 'third', 'fourth'];
      const posted: Record<string, any>[] = [];
      for (const text of texts) {
        posted.push((await t.ok(COMMENT, { id: live.id, text }, viewer.token)).postComment);
      }
      expect(posted[1]).toMatchObject({
        text: 'second',
        author: { handle: viewer.handle },
        broadcast: { id: live.id },
      });
      expect(posted[0].offsetMs).toBeGreaterThanOrEqual(5000);
      expect(posted[0].offsetMs).toBeLessThan(15_000);
      expect((await read(live.id)).commentsCount).toBe(4);
      const page1 = (await t.ok(COMMENTS, { id: live.id, first: 3 })).broadcast.comments;
      expect(page1.edges.map((e: any) => e.node.text)).toEqual(['first', 'second', 'third']);
      expect(page1.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
      const page2 = (
        await t.ok(COMMENTS, { id: live.id, first: 3, after: page1.pageInfo.endCursor })
      ).broadcast.comments;
      expect(page2.edges.map((e: any) => e.node.id)).toEqual([posted[3].id]);
      expect(page2.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
      const offsets = [...page1.edges, ...page2.edges].map((e: any) => e.node.offsetMs);
      expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    });

    it.each([
      ['empty', '   '],
      ['201-character', 'x'.repeat(201)],
    ])('refuses an %s comment (BAD_USER_INPUT)', async (_case, text) => {
      const broadcaster = await t.signUp();
      const viewer = await t.signUp();
      const live = await start(broadcaster);
      const result = await expectRejected(
        () => t.gql(COMMENT, { id: live.id, text }, viewer.token),
        'BAD_USER_INPUT',
      );
      expect(result.errors?.[0].extensions?.fields[0].field).toBe('text');
    });

    it('rate limits a flood (RATE_LIMITED, nothing stored)', async () => {
      const broadcaster = await t.signUp();
      const viewer = await t.signUp();
      const live = await start(broadcaster);
      for (let i = 0; i < 5; i += 1) {
        await t.ok(COMMENT, { id: live.id, text: `spam ${i}` }, viewer.token);
      }
      const result = await expectRejected(
        () => t.gql(COMMENT, { id: live.id, text: 'spam 5' }, viewer.token),
        'RATE_LIMITED',
      );
      expect(result.errors?.[0].extensions?.retryAfterSeconds).toBeGreaterThan(0);
      expect((await read(live.id)).commentsCount).toBe(5);
      // The limit is per viewer: others still speak.
      await t.ok(COMMENT, { id: live.id, text: 'hello' }, broadcaster.token);
    });

    it('obeys the chat mode: OFF and FOLLOWERS (FORBIDDEN)', async () => {
      const broadcaster = await t.signUp();
      const follower = await t.signUp();
      const stranger = await t.signUp();
      await t.follow(follower, broadcaster);
      const live = await start(broadcaster, { chatMode: 'OFF' });
      await expectRejected(
        () => t.gql(COMMENT, { id: live.id, text: 'hi' }, follower.token),
        'FORBIDDEN',
      );
      // The broadcaster still speaks in their own chat.
      await t.ok(COMMENT, { id: live.id, text: 'chat is off' }, broadcaster.token);
      await t.ok(CHAT_MODE, { id: live.id, mode: 'FOLLOWERS' }, broadcaster.token);
      await expectRejected(
        () => t.gql(COMMENT, { id: live.id, text: 'hi' }, stranger.token),
        'FORBIDDEN',
      );
      await t.ok(COMMENT, { id: live.id, text: 'hi' }, follower.token);
    });

    it('refuses comments on a broadcast that is over (NOT_FOUND)', async () => {
      const broadcaster = await t.signUp();
      const viewer = await t.signUp();
      const live = await start(broadcaster);
      await t.ok(END, { id: live.id }, broadcaster.token);
      await expectRejected(
        () => t.gql(COMMENT, { id: live.id, text: 'late' }, viewer.token),
        'NOT_FOUND',
      );
    });

    it('answers NOT_FOUND, not FORBIDDEN, for a comment by someone who blocks you', async () => {
      const broadcaster = await t.signUp();
      const blocker = await t.signUp();
      const blocked = await t.signUp();
      const live = await start(broadcaster);
      const posted = (await t.ok(COMMENT, { id: live.id, text: 'hidden' }, blocker.token))
        .postComment;
      await t.ok(BLOCK, { id: blocked.id }, blocker.token);
      await expectRejected(
        () => t.gql(REMOVE_COMMENT, { id: posted.id }, blocked.token),
        'NOT_FOUND',
      );
    });

    it('lets the author, the broadcaster or an admin remove a comment', async () => {
      const broadcaster = await t.signUp();
      const author = await t.signUp();
      const other = await t.signUp();
      const live = await start(broadcaster);
      const comments: { id: string }[] = [];
      for (const text of ['one', 'two', 'three']) {
        comments.push((await t.ok(COMMENT, { id: live.id, text }, author.token)).postComment);
      }
      await expectRejected(
        () => t.gql(REMOVE_COMMENT, { id: comments[0].id }, other.token),
        'FORBIDDEN',
      );
      expect((await t.ok(REMOVE_COMMENT, { id: comments[0].id }, author.token)).removeComment).toBe(
        true,
      );
      await t.ok(REMOVE_COMMENT, { id: comments[1].id }, broadcaster.token);
      await t.ok(REMOVE_COMMENT, { id: comments[2].id }, admin.token);
      await expectRejected(
        () => t.gql(REMOVE_COMMENT, { id: comments[0].id }, author.token),
        'NOT_FOUND',
      );
      expect((await read(live.id)).commentsCount).toBe(0);
    });
  });

  describe('bans', () => {
    it('bans a viewer: uncounted, and the broadcast no longer exists for them', async () => {
      const broadcaster = await t.signUp();
      const troll = await t.signUp();
      const live = await start(broadcaster);
      await t.ok(JOIN, { id: live.id }, troll.token);
      expect(
        (await t.ok(BAN, { id: live.id, userId: troll.id }, broadcaster.token)).banViewer,
      ).toBe(true);
      // Idempotent.
      await t.ok(BAN, { id: live.id, userId: troll.id }, broadcaster.token);
      expect((await read(live.id)).viewerCount).toBe(0);
      await expectRejected(() => t.gql(JOIN, { id: live.id }, troll.token), 'NOT_FOUND');
      await expectRejected(
        () => t.gql(COMMENT, { id: live.id, text: 'let me in' }, troll.token),
        'NOT_FOUND',
      );
      const seen = await t.gql(BROADCAST, { id: live.id }, troll.token);
      expect(errorCode(seen)).toBe('NOT_FOUND');
      expect(seen.data).toEqual({ broadcast: null });
    });

    it('stops a viewer who loses access by a block or an unfollow from watching', async () => {
      const broadcaster = await t.signUp();
      const [blocked, fan, casual] = [await t.signUp(), await t.signUp(), await t.signUp()];
      await t.follow(fan, broadcaster);
      await t.follow(casual, broadcaster);
      const live = await start(broadcaster, { visibility: 'FOLLOWERS' });
      await t.follow(blocked, broadcaster);
      const watching: TestSubscription[] = [];
      for (const viewer of [blocked, fan, casual]) {
        await t.ok(JOIN, { id: live.id }, viewer.token);
        watching.push(await subscribe(live.id, viewer));
      }
      await t.ok(BLOCK, { id: blocked.id }, broadcaster.token);
      await t.ok(
        `mutation($id: ID!) { unfollow(userId: $id) { id } }`,
        { id: broadcaster.id },
        fan.token,
      );
      await until(
        () => Promise.resolve(watching[0].isEnded && watching[1].isEnded),
        (ended) => ended,
      );
      expect(watching.map((sub) => sub.isEnded)).toEqual([true, true, false]);
      expect((await read(live.id, broadcaster)).viewerCount).toBe(1);

      // Unfollowing the broadcaster of a PUBLIC broadcast takes nothing away.
      const open = await start(casual);
      await t.ok(JOIN, { id: open.id }, fan.token);
      await t.follow(fan, casual);
      await t.ok(
        `mutation($id: ID!) { unfollow(userId: $id) { id } }`,
        { id: casual.id },
        fan.token,
      );
      expect((await read(open.id)).viewerCount).toBe(1);
    });

    it('answers NOT_FOUND for banning an account that blocks the broadcaster', async () => {
      const broadcaster = await t.signUp();
      const blocker = await t.signUp();
      const live = await start(broadcaster);
      await t.ok(BLOCK, { id: broadcaster.id }, blocker.token);
      await expectRejected(
        () => t.gql(BAN, { id: live.id, userId: blocker.id }, broadcaster.token),
        'NOT_FOUND',
      );
      expect(await t.ok(BAN, { id: live.id, userId: blocker.id }, admin.token)).toEqual({
        banViewer: true,
      });
    });

    it('refuses a ban by anyone but the broadcaster (FORBIDDEN) or of oneself', async () => {
      const broadcaster = await t.signUp();
      const viewer = await t.signUp();
      const other = await t.signUp();
      const live = await start(broadcaster);
      await expectRejected(
        () => t.gql(BAN, { id: live.id, userId: other.id }, viewer.token),
        'FORBIDDEN',
      );
      await expectRejected(
        () => t.gql(BAN, { id: live.id, userId: broadcaster.id }, broadcaster.token),
        'BAD_USER_INPUT',
      );
      await expectRejected(
        () => t.gql(BAN, { id: live.id, userId: broadcaster.id }, admin.token),
        'BAD_USER_INPUT',
      );
      await expectRejected(
        () =>
          t.gql(BAN, { id: live.id, userId: toGlobalId('User', '987654321') }, broadcaster.token),
        'NOT_FOUND',
      );
    });
  });

  describe('liveNow', () => {
    it('lists followed broadcasters first, then public ones, most watched first', async () => {
      const viewer = await t.signUp();
      const [a, b, c, d, e] = await Promise.all([1, 2, 3, 4, 5].map(() => t.signUp()));
      await t.follow(viewer, a);
      await t.follow(viewer, b);
      const ba = await start(a, { visibility: 'FOLLOWERS' });
      const bb = await start(b);
      const bc = await start(c);
      const bd = await start(d, { visibility: 'FOLLOWERS' });
      const be = await start(e);
      const counts: [Record<string, any>, number][] = [
        [ba, 2],
        [bb, 5],
        [bc, 1],
        [bd, 50],
        [be, 7],
      ];
      for (const [broadcast, count] of counts) {
        await t.sql('UPDATE broadcasts SET viewer_count = $2 WHERE id = $1', [
          rowId(broadcast.id),
          count,
        ]);
      }
      const mine = new Set([ba.id, bb.id, bc.id, bd.id, be.id]);
      const all = (await t.ok(LIVE_NOW, { first: 100 }, viewer.token)).liveNow;
      const ids = all.edges.map((edge: any) => edge.node.id).filter((id: string) => mine.has(id));
      expect(ids).toEqual([bb.id, ba.id, be.id, bc.id]);
      // The followed ones open the list, whatever else is live.
      expect(all.edges.slice(0, 2).map((edge: any) => edge.node.id)).toEqual([bb.id, ba.id]);

      // Pages of 2 walk the same list, without repeats.
      const walked: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = (await t.ok(LIVE_NOW, { first: 2, after }, viewer.token)).liveNow;
        walked.push(...page.edges.map((edge: any) => edge.node.id));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      // Only these five: other tests' broadcasts may change counts meanwhile.
      expect(walked.filter((id) => mine.has(id))).toEqual(ids);
      expect(new Set(walked).size).toBe(walked.length);

      const anonymous = (await t.ok(LIVE_NOW, { first: 100 })).liveNow.edges
        .map((edge: any) => edge.node.id)
        .filter((id: string) => mine.has(id));
      expect(anonymous).toEqual([be.id, bb.id, bc.id]);
      await t.ok(BLOCK, { id: viewer.id }, e.token);
      expect(
        (await t.ok(LIVE_NOW, { first: 100 }, viewer.token)).liveNow.edges.map(
          (edge: any) => edge.node.id,
        ),
      ).not.toContain(be.id);
    });

    it('resolves broadcasters and their live broadcasts in batches, not per item', async () => {
      const viewer = await t.signUp();
      for (let i = 0; i < 6; i += 1) {
        const broadcaster = await t.signUp();
        await t.follow(viewer, broadcaster);
        await start(broadcaster, { visibility: i % 2 ? 'FOLLOWERS' : 'PUBLIC' });
      }
      const statements = async (first: number) => {
        t.queries.reset();
        const data = await t.ok(
          `query($first: Int) { liveNow(first: $first) { edges { node {
             id playbackUrl ingest { streamKey }
             broadcaster { handle liveBroadcast { id broadcaster { handle } } } } } } }`,
          { first },
          viewer.token,
        );
        return { count: t.queries.total, edges: data.liveNow.edges.length };
      };
      const small = await statements(2);
      const large = await statements(100);
      expect(large.edges).toBeGreaterThanOrEqual(6);
      // The page, the viewer, then one batch per loader (background sweeps may add one).
      expect(large.count).toBeLessThanOrEqual(small.count + 2);
      expect(large.count).toBeLessThanOrEqual(10);
    });

    it('refuses a malformed cursor and more than 100 per page (BAD_USER_INPUT)', async () => {
      expect(errorCode(await t.gql(LIVE_NOW, { after: 'garbage!' }))).toBe('BAD_USER_INPUT');
      expect(errorCode(await t.gql(LIVE_NOW, { first: 101 }))).toBe('BAD_USER_INPUT');
    });
  });

  describe('broadcastEvents', () => {
    it('refuses a broadcast the viewer may not see, and a forged token', async () => {
      const broadcaster = await t.signUp();
      const stranger = await t.signUp();
      const live = await start(broadcaster, { visibility: 'FOLLOWERS' });
      for (const viewer of [stranger, undefined]) {
        const sub = await subscribe(live.id, viewer);
        const result = await sub.next();
        expect(errorCode(result)).toBe('NOT_FOUND');
      }
      const unknown = await subscribe(toGlobalId('Broadcast', '987654321'), stranger);
      expect(errorCode(await unknown.next())).toBe('NOT_FOUND');

      // graphql-ws's client reports the refused connection on the console: expected here.
      const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      try {
        const forged = await t.subscribe(EVENTS, { id: live.id }, 'forged.token.value');
        subscriptions.push(forged);
        await until(
          () => Promise.resolve(forged.isEnded),
          (ended) => ended,
        );
        expect(forged.closeCode).toBe(4403);
      } finally {
        quiet.mockRestore();
      }
    });

    it('sends STARTED when a scheduled broadcast goes live, then ENDED', async () => {
      const broadcaster = await t.signUp();
      const scheduled = await start(broadcaster, {
        scheduledFor: new Date(Date.now() + 3_600_000).toISOString(),
      });
      const anonymous = await subscribe(scheduled.id);
      const own = await subscribe(scheduled.id, broadcaster);
      await t.app.get(BroadcastLifecycleService).startByStreamKey(scheduled.ingest.streamKey);
      const started = await eventWhere(anonymous, (e) => e.kind === 'STARTED');
      expect(started.broadcast).toMatchObject({
        id: scheduled.id,
        status: 'LIVE',
        broadcaster: { handle: broadcaster.handle },
        ingest: null,
      });
      expect(Date.now() - Date.parse(started.at)).toBeLessThan(10_000);
      const ownStarted = await eventWhere(own, (e) => e.kind === 'STARTED');
      expect(ownStarted.broadcast.ingest).toEqual({ streamKey: scheduled.ingest.streamKey });

      await t.ok(END, { id: scheduled.id }, broadcaster.token);
      const ended = await eventWhere(anonymous, (e) => e.kind === 'ENDED');
      expect(ended).toMatchObject({ viewerCount: 0, broadcast: { status: 'ENDED' } });
    });

    it('sends ENDED when a scheduled broadcast is canceled', async () => {
      const broadcaster = await t.signUp();
      const scheduled = await start(broadcaster, {
        scheduledFor: new Date(Date.now() + 3_600_000).toISOString(),
      });
      const watching = await subscribe(scheduled.id);
      await t.ok(CANCEL, { id: scheduled.id }, broadcaster.token);
      const ended = await eventWhere(watching, (e) => e.kind === 'ENDED');
      expect(ended.broadcast).toMatchObject({ id: scheduled.id, status: 'CANCELED' });
    });

    it('sends VIEWERS after joins and leaves, at most once a second, never losing the last', async () => {
      const broadcaster = await t.signUp();
      const [a, b] = [await t.signUp(), await t.signUp()];
      const live = await start(broadcaster);
      const sub = await subscribe(live.id, broadcaster);
      await t.ok(JOIN, { id: live.id }, a.token);
      await t.ok(JOIN, { id: live.id }, b.token);
      const first = await eventWhere(sub, (e) => e.kind === 'VIEWERS');
      const two =
        first.viewerCount === 2 ? first : await eventWhere(sub, (e) => e.kind === 'VIEWERS');
      expect(two.viewerCount).toBe(2);
      if (first !== two) {
        expect(first.viewerCount).toBe(1);
        expect(Date.parse(two.at) - Date.parse(first.at)).toBeGreaterThanOrEqual(900);
      }
      await t.ok(LEAVE, { id: live.id }, a.token);
      const one = await eventWhere(sub, (e) => e.kind === 'VIEWERS');
      expect(one).toMatchObject({ viewerCount: 1, broadcast: { viewerCount: 1 } });
      // A join that changes nothing (a heartbeat) sends nothing. No event can mark its absence:
      // wait past the 1 s between VIEWERS events, which would have delayed a wrong one.
      await t.ok(JOIN, { id: live.id }, b.token);
      await sub.nothingFor(1500);
    });

    it("uncounts a viewer when their subscription's socket closes", async () => {
      const broadcaster = await t.signUp();
      const viewer = await t.signUp();
      const live = await start(broadcaster);
      const first = await subscribe(live.id, viewer);
      const second = await subscribe(live.id, viewer);
      await t.ok(JOIN, { id: live.id }, viewer.token);
      expect((await read(live.id)).viewerCount).toBe(1);
      // Still watching in another tab: stays counted.
      const tornDownBefore = t.subscriptionSetUps.totalTornDown;
      await first.close();
      // Once the server has torn that subscription down, any uncount it started has landed.
      await t.subscriptionSetUps.reachTornDown(tornDownBefore + 1);
      await t.app.get(BroadcastStream).settled();
      expect((await read(live.id)).viewerCount).toBe(1);
      await second.close();
      const after = await until(
        () => read(live.id),
        (b) => b.viewerCount === 0,
      );
      expect(after).toMatchObject({ viewerCount: 0, peakViewerCount: 1 });
    });

    it('batches HEARTS with the delta since the previous event', async () => {
      const broadcaster = await t.signUp();
      const [a, b] = [await t.signUp(), await t.signUp()];
      const live = await start(broadcaster);
      const sub = await subscribe(live.id, a);
      await Promise.all([
        t.ok(HEARTS, { id: live.id, count: 5 }, a.token),
        t.ok(HEARTS, { id: live.id, count: 10 }, b.token),
        t.ok(HEARTS, { id: live.id }, a.token),
      ]);
      let sum = 0;
      const events: BroadcastEvent[] = [];
      while (sum < 16) {
        const event = await eventWhere(sub, (e) => e.kind === 'HEARTS');
        events.push(event);
        sum += event.heartsDelta;
        expect(event.heartCount).toBe(sum);
      }
      expect(sum).toBe(16);
      // Three mutations, at most as many events: they were batched.
      expect(events.length).toBeLessThanOrEqual(3);
      await t.ok(HEARTS, { id: live.id, count: 4 }, b.token);
      expect(await eventWhere(sub, (e) => e.kind === 'HEARTS')).toMatchObject({
        heartsDelta: 4,
        heartCount: 20,
      });
    });

    it('tells HEARTS as the count moved since the previous one, whatever order processes publish in', async () => {
      const broadcaster = await t.signUp();
      const viewer = await t.signUp();
      const live = await start(broadcaster);
      const sub = await subscribe(live.id, viewer);
      const bus = t.app.get(EventBus);
      const published: BusMessage[] = [];
      const stop = bus.subscribe(broadcastTopic(rowId(live.id)), (message) => {
        published.push(message);
      });
      await t.ok(HEARTS, { id: live.id, count: 3 }, viewer.token);
      expect(await eventWhere(sub, (e) => e.kind === 'HEARTS')).toMatchObject({
        heartsDelta: 3,
        heartCount: 3,
      });
      stop();
      // Batches of other processes, as the bus brings them: one of them overtaken by a later count.
      const [real] = published.filter((message) => message.kind === 'HEARTS');
      const batch = (heartsDelta: number, heartCount: number) =>
        bus.publish(broadcastTopic(rowId(live.id)), {
          ...real,
          heartsDelta,
          broadcast: { ...(real.broadcast as object), heartCount },
        });
      await batch(100, 503);
      await batch(400, 403);
      await batch(5, 508);
      const told: [number, number][] = [];
      while (told.length < 2) {
        const event = await eventWhere(sub, (e) => e.kind === 'HEARTS');
        told.push([event.heartsDelta, event.heartCount]);
      }
      expect(told).toEqual([
        [500, 503],
        [5, 508],
      ]);
    });

    it('sends COMMENT with its offset and COMMENT_REMOVED', async () => {
      const broadcaster = await t.signUp();
      const viewer = await t.signUp();
      const live = await start(broadcaster);
      await t.sql(`UPDATE broadcasts SET started_at = now() - interval '2 seconds' WHERE id = $1`, [
        rowId(live.id),
      ]);
      const sub = await subscribe(live.id);
      const posted = (await t.ok(COMMENT, { id: live.id, text: 'wow' }, viewer.token)).postComment;
      const comment = await eventWhere(sub, (e) => e.kind === 'COMMENT');
      expect(comment.comment).toEqual({
        id: posted.id,
        text: 'wow',
        offsetMs: posted.offsetMs,
        author: { handle: viewer.handle },
      });
      expect(comment.comment!.offsetMs).toBeGreaterThanOrEqual(2000);
      await t.ok(REMOVE_COMMENT, { id: posted.id }, broadcaster.token);
      const removed = await eventWhere(sub, (e) => e.kind === 'COMMENT_REMOVED');
      expect(removed.comment?.id).toBe(posted.id);
    });

    it("keeps a blocker's comments and their removal from the accounts they block", async () => {
      const broadcaster = await t.signUp();
      const blocker = await t.signUp();
      const blocked = await t.signUp();
      const bystander = await t.signUp();
      const live = await start(broadcaster);
      const before = await subscribe(live.id, blocked);
      await t.ok(BLOCK, { id: blocked.id }, blocker.token);
      const after = await subscribe(live.id, blocked);
      const watching = await subscribe(live.id, bystander);
      const others = [];
      for (let i = 0; i < 4; i += 1) others.push(await subscribe(live.id, await t.signUp()));
      t.queries.reset();
      const hidden = (await t.ok(COMMENT, { id: live.id, text: 'not for you' }, blocker.token))
        .postComment;
      await t.ok(REMOVE_COMMENT, { id: hidden.id }, blocker.token);
      const shown = (await t.ok(COMMENT, { id: live.id, text: 'for all' }, bystander.token))
        .postComment;
      const aboutComments = (e: BroadcastEvent) => e.comment !== null;
      for (const sub of [before, after]) {
        expect((await eventWhere(sub, aboutComments)).comment?.id).toBe(shown.id);
      }
      expect((await eventWhere(watching, aboutComments)).comment?.id).toBe(hidden.id);
      const removed = await eventWhere(watching, aboutComments);
      expect([removed.kind, removed.comment?.id]).toEqual(['COMMENT_REMOVED', hidden.id]);
      expect((await eventWhere(watching, aboutComments)).comment?.id).toBe(shown.id);
      for (const sub of others) {
        expect((await eventWhere(sub, (e) => e.kind === 'COMMENT')).comment?.id).toBe(hidden.id);
      }
      // Who may see each comment is read once per event for all its 7 watchers, not per watcher;
      // each of the 3 mutations also checks, once, that the broadcaster does not block its author.
      const blockReads = t.queries.statements.filter((sql) =>
        sql.includes('FROM blocks WHERE blocker_id = ANY($1::bigint[]) AND blocked_id = ANY'),
      );
      expect(blockReads).toHaveLength(3 + 3);
    });

    it("ends a banned viewer's subscription", async () => {
      const broadcaster = await t.signUp();
      const troll = await t.signUp();
      const watcher = await t.signUp();
      const live = await start(broadcaster);
      const trolling = await subscribe(live.id, troll);
      const watching = await subscribe(live.id, watcher);
      await t.ok(BAN, { id: live.id, userId: troll.id }, broadcaster.token);
      await until(
        () => Promise.resolve(trolling.isEnded),
        (ended) => ended,
      );
      expect(trolling.isEnded).toBe(true);
      await t.ok(COMMENT, { id: live.id, text: 'still here' }, watcher.token);
      expect((await eventWhere(watching, (e) => e.kind === 'COMMENT')).comment?.text).toBe(
        'still here',
      );
      expect(watching.isEnded).toBe(false);
    });
  });
});
