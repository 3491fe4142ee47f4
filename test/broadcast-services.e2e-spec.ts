import { AuthService } from '@app/accounts';
import {
  BroadcastLifecycleService,
  BroadcastsService,
  BroadcastStatus,
  BroadcastVisibility,
  ChatMode,
  ChatService,
  PresenceService,
} from '@app/broadcasts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RequestLoaders,
  Role,
  Viewer,
} from '@app/common';
import { BlockService, FollowService } from '@app/graph';
import { TestApp } from '@app/testing';

/**
 * The broadcasts services on a real PostgreSQL, called directly (no HTTP, no GraphQL): the state
 * machine, the live list and presence. The e2e suites cover the same behaviour through the API.
 */
describe('broadcasts services', () => {
  let t: TestApp;
  let lifecycle: BroadcastLifecycleService;
  let broadcasts: BroadcastsService;
  let presence: PresenceService;
  let accounts = 0;

  beforeAll(async () => {
    t = await TestApp.start();
    lifecycle = t.app.get(BroadcastLifecycleService);
    broadcasts = t.app.get(BroadcastsService);
    presence = t.app.get(PresenceService);
  });
  afterAll(() => t.close());

  async function account(role = Role.MEMBER): Promise<Viewer> {
    accounts += 1;
    const handle = `svc${accounts}`;
    const session = await t.app
      .get(AuthService)
      .signUp(
        { handle, email: `${handle}@example.com`, password: 'correct horse battery' },
        '127.0.0.1',
      );
    if (role !== Role.MEMBER) {
      await t.sql('UPDATE users SET role = $2 WHERE id = $1', [session.user.id, role]);
    }
    return { id: session.user.id, role };
  }

  const loaders = (viewer?: Viewer) => new RequestLoaders(viewer?.id);
  const inAnHour = () => new Date(Date.now() + 3_600_000);

  describe('state machine', () => {
    it('starts LIVE, or SCHEDULED for a future time', async () => {
      const broadcaster = await account();
      const scheduled = await lifecycle.start(broadcaster, {
        title: ' Later ',
        scheduledFor: inAnHour(),
      });
      expect(scheduled).toMatchObject({
        status: BroadcastStatus.SCHEDULED,
        title: 'Later',
        startedAt: null,
        visibility: BroadcastVisibility.PUBLIC,
        chatMode: ChatMode.EVERYONE,
      });
      const live = await lifecycle.start(broadcaster, { title: 'Now' });
      expect(live.status).toBe(BroadcastStatus.LIVE);
      expect(live.startedAt).toBeInstanceOf(Date);
    });

    it('lets one of two concurrent starts go live; the other is a CONFLICT', async () => {
      const broadcaster = await account();
      const results = await Promise.allSettled([
        lifecycle.start(broadcaster, { title: 'One' }),
        lifecycle.start(broadcaster, { title: 'Two' }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const [refused] = results.filter((r) => r.status === 'rejected');
      expect(refused.reason).toBeInstanceOf(ConflictError);
      const rows = await t.sql('SELECT status FROM broadcasts WHERE broadcaster_id = $1', [
        broadcaster.id,
      ]);
      expect(rows).toEqual([{ status: 'LIVE' }]);
    });

    it('takes a SCHEDULED broadcast LIVE by stream key, and ends it by stream key', async () => {
      const broadcaster = await account();
      const scheduled = await lifecycle.start(broadcaster, {
        title: 'Keyed',
        scheduledFor: inAnHour(),
      });
      const live = await lifecycle.startByStreamKey(scheduled.streamKey);
      expect(live).toMatchObject({ id: scheduled.id, status: BroadcastStatus.LIVE });
      // An encoder reconnecting finds it LIVE and changes nothing.
      expect((await lifecycle.startByStreamKey(scheduled.streamKey)).startedAt).toEqual(
        live.startedAt,
      );
      const ended = await lifecycle.endByStreamKey(scheduled.streamKey);
      expect(ended.status).toBe(BroadcastStatus.ENDED);
      expect(await lifecycle.endByStreamKey(scheduled.streamKey)).toEqual(ended);
      await expect(lifecycle.startByStreamKey(scheduled.streamKey)).rejects.toBeInstanceOf(
        NotFoundError,
      );
      await expect(lifecycle.startByStreamKey('no-such-key')).rejects.toBeInstanceOf(NotFoundError);
    });

    it('refuses a publish that would make a second LIVE broadcast (CONFLICT)', async () => {
      const broadcaster = await account();
      const scheduled = await lifecycle.start(broadcaster, {
        title: 'Second',
        scheduledFor: inAnHour(),
      });
      await lifecycle.start(broadcaster, { title: 'First' });
      await expect(lifecycle.startByStreamKey(scheduled.streamKey)).rejects.toBeInstanceOf(
        ConflictError,
      );
      const [row] = await t.sql('SELECT status FROM broadcasts WHERE id = $1', [scheduled.id]);
      expect(row.status).toBe('SCHEDULED');
    });

    it('ends only LIVE broadcasts and cancels only SCHEDULED ones', async () => {
      const broadcaster = await account();
      const scheduled = await lifecycle.start(broadcaster, {
        title: 'Plan',
        scheduledFor: inAnHour(),
      });
      await expect(
        lifecycle.end(broadcaster, scheduled.id, loaders(broadcaster)),
      ).rejects.toBeInstanceOf(ConflictError);
      const canceled = await lifecycle.cancel(broadcaster, scheduled.id, loaders(broadcaster));
      expect(canceled.status).toBe(BroadcastStatus.CANCELED);
      expect(canceled.endedAt).toBeInstanceOf(Date);
      await expect(
        lifecycle.cancel(broadcaster, scheduled.id, loaders(broadcaster)),
      ).rejects.toBeInstanceOf(ConflictError);
      await expect(lifecycle.endByStreamKey(scheduled.streamKey)).rejects.toBeInstanceOf(
        ConflictError,
      );
      const live = await lifecycle.start(broadcaster, { title: 'Now' });
      await expect(
        lifecycle.cancel(broadcaster, live.id, loaders(broadcaster)),
      ).rejects.toBeInstanceOf(ConflictError);
      expect((await lifecycle.end(broadcaster, live.id, loaders(broadcaster))).status).toBe(
        BroadcastStatus.ENDED,
      );
    });

    it('lets the broadcaster or an admin moderate, and hides it from whom it blocks', async () => {
      const broadcaster = await account();
      const stranger = await account();
      const blocked = await account();
      const admin = await account(Role.ADMIN);
      const live = await lifecycle.start(broadcaster, { title: 'Mine' });
      await expect(
        lifecycle.setChatMode(stranger, live.id, ChatMode.OFF, loaders(stranger)),
      ).rejects.toBeInstanceOf(ForbiddenError);
      await t.app.get(BlockService).block(broadcaster, blocked.id);
      await expect(
        lifecycle.setChatMode(blocked, live.id, ChatMode.OFF, loaders(blocked)),
      ).rejects.toBeInstanceOf(NotFoundError);
      expect(
        (await lifecycle.setChatMode(admin, live.id, ChatMode.FOLLOWERS, loaders(admin))).chatMode,
      ).toBe(ChatMode.FOLLOWERS);
      await lifecycle.end(admin, live.id, loaders(admin));
      await expect(
        lifecycle.setChatMode(broadcaster, live.id, ChatMode.OFF, loaders(broadcaster)),
      ).rejects.toBeInstanceOf(ConflictError);
    });
  });

  describe('live list', () => {
    it('puts followed and own broadcasts first, then the most watched, page by page', async () => {
      const viewer = await account();
      const [followed, popular, quiet, private_, own] = await Promise.all(
        [0, 1, 2, 3, 4].map(() => account()),
      );
      await t.app.get(FollowService).follow(viewer, followed.id, false);
      const followedLive = await lifecycle.start(followed, { title: 'Followed' });
      const popularLive = await lifecycle.start(popular, { title: 'Popular' });
      const quietLive = await lifecycle.start(quiet, { title: 'Quiet' });
      await lifecycle.start(private_, {
        title: 'Followers only',
        visibility: BroadcastVisibility.FOLLOWERS,
      });
      const ownLive = await lifecycle.start(own, { title: 'Own' });
      // Only these broadcasts are compared: other tests' broadcasts may be live too.
      const mine = new Set([followedLive.id, popularLive.id, quietLive.id, ownLive.id]);
      await t.sql('UPDATE broadcasts SET viewer_count = $2 WHERE id = $1', [popularLive.id, 50]);
      await t.sql('UPDATE broadcasts SET viewer_count = $2 WHERE id = $1', [quietLive.id, 1]);

      const seen: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await broadcasts.liveNow(viewer.id, { first: 2, after });
        seen.push(...page.edges.map((edge) => edge.node.id));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor ?? undefined;
      }
      expect(seen.filter((id) => mine.has(id))).toEqual([
        followedLive.id,
        popularLive.id,
        quietLive.id,
        ownLive.id,
      ]);
      expect(new Set(seen).size).toBe(seen.length);

      const asOwner = await broadcasts.liveNow(own.id, { first: 100 });
      expect(asOwner.edges[0].node.id).toBe(ownLive.id);
    });

    it('leaves out what is hidden: FOLLOWERS-only, blocking broadcasters, bans', async () => {
      const viewer = await account();
      const [private_, blocker, banner] = await Promise.all([account(), account(), account()]);
      const privateLive = await lifecycle.start(private_, {
        title: 'Followers only',
        visibility: BroadcastVisibility.FOLLOWERS,
      });
      const blockerLive = await lifecycle.start(blocker, { title: 'Blocker' });
      const bannerLive = await lifecycle.start(banner, { title: 'Banner' });
      await t.app.get(BlockService).block(blocker, viewer.id);
      await t.sql('INSERT INTO broadcast_bans (broadcast_id, user_id) VALUES ($1, $2)', [
        bannerLive.id,
        viewer.id,
      ]);
      const ids = (await broadcasts.liveNow(viewer.id, { first: 100 })).edges.map(
        (edge) => edge.node.id,
      );
      expect(ids).not.toContain(privateLive.id);
      expect(ids).not.toContain(blockerLive.id);
      expect(ids).not.toContain(bannerLive.id);
      const signedOut = (await broadcasts.liveNow(undefined, { first: 100 })).edges.map(
        (edge) => edge.node.id,
      );
      expect(signedOut).toEqual(expect.arrayContaining([blockerLive.id, bannerLive.id]));
      expect(signedOut).not.toContain(privateLive.id);
    });
  });

  describe('chat', () => {
    it('lists the chat in replay order, page by page, without hidden authors', async () => {
      const broadcaster = await account();
      const [a, b, blocker, viewer] = await Promise.all([
        account(),
        account(),
        account(),
        account(),
      ]);
      const chat = t.app.get(ChatService);
      const live = await lifecycle.start(broadcaster, { title: 'Chatty' });
      const posted = [];
      for (const [author, text] of [
        [a, 'one'],
        [blocker, 'hidden'],
        [b, 'two'],
        [a, 'three'],
      ] as const) {
        posted.push(await chat.post(author, live.id, text, loaders(author)));
      }
      await t.app.get(BlockService).block(blocker, viewer.id);
      const texts: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await chat.list(live.id, viewer.id, { first: 2, after });
        texts.push(...page.edges.map((edge) => edge.node.text));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor ?? undefined;
      }
      expect(texts).toEqual(['one', 'two', 'three']);
      const all = await chat.list(live.id, undefined, { first: 10 });
      expect(all.edges.map((edge) => edge.node.id)).toEqual(posted.map((c) => c.id));

      await chat.remove(broadcaster, posted[0].id, loaders(broadcaster));
      const [row] = await t.sql('SELECT comments_count FROM broadcasts WHERE id = $1', [live.id]);
      expect(row.comments_count).toBe(3);
    });

    it('bans a viewer: the broadcast is gone for them, and they are uncounted', async () => {
      const broadcaster = await account();
      const viewer = await account();
      const chat = t.app.get(ChatService);
      const live = await lifecycle.start(broadcaster, { title: 'Banning' });
      await presence.join(viewer, live.id, loaders(viewer));
      await chat.ban(broadcaster, live.id, viewer.id, loaders(broadcaster));
      await chat.ban(broadcaster, live.id, viewer.id, loaders(broadcaster));
      await expect(chat.post(viewer, live.id, 'let me in', loaders(viewer))).rejects.toBeInstanceOf(
        NotFoundError,
      );
      expect(await broadcasts.findVisible(loaders(viewer), live.id, viewer.id)).toBeUndefined();
      const [row] = await t.sql('SELECT viewer_count FROM broadcasts WHERE id = $1', [live.id]);
      expect(row.viewer_count).toBe(0);
    });
  });

  describe('presence', () => {
    async function counts(id: string) {
      const [row] = await t.sql(
        'SELECT viewer_count AS now, peak_viewer_count AS peak FROM broadcasts WHERE id = $1',
        [id],
      );
      return row as { now: number; peak: number };
    }

    it('counts each viewer once, uncounts on leave, and keeps the peak', async () => {
      const broadcaster = await account();
      const [a, b] = await Promise.all([account(), account()]);
      const live = await lifecycle.start(broadcaster, { title: 'Watched' });
      expect((await presence.join(a, live.id, loaders(a))).viewerCount).toBe(1);
      expect((await presence.join(a, live.id, loaders(a))).viewerCount).toBe(1);
      expect((await presence.join(b, live.id, loaders(b))).viewerCount).toBe(2);
      expect((await presence.leave(a, live.id, loaders(a))).viewerCount).toBe(1);
      expect((await presence.leave(a, live.id, loaders(a))).viewerCount).toBe(1);
      expect(await counts(live.id)).toEqual({ now: 1, peak: 2 });
    });

    it('sweeps viewers whose heartbeat stopped', async () => {
      const broadcaster = await account();
      const [a, b] = await Promise.all([account(), account()]);
      const live = await lifecycle.start(broadcaster, { title: 'Swept' });
      await presence.join(a, live.id, loaders(a));
      await presence.join(b, live.id, loaders(b));
      await t.sql(
        `UPDATE broadcast_viewers SET expires_at = now() - interval '1 second'
         WHERE broadcast_id = $1 AND user_id = $2`,
        [live.id, a.id],
      );
      await presence.sweep();
      expect(await counts(live.id)).toEqual({ now: 1, peak: 2 });
      const left = await t.sql('SELECT user_id FROM broadcast_viewers WHERE broadcast_id = $1', [
        live.id,
      ]);
      expect(left).toEqual([{ user_id: b.id }]);
    });

    it('refuses to count before the start, and forgets everyone at the end', async () => {
      const broadcaster = await account();
      const viewer = await account();
      const scheduled = await lifecycle.start(broadcaster, {
        title: 'Soon',
        scheduledFor: inAnHour(),
      });
      await expect(presence.join(viewer, scheduled.id, loaders(viewer))).rejects.toBeInstanceOf(
        ConflictError,
      );
      const live = await lifecycle.startByStreamKey(scheduled.streamKey);
      await presence.join(viewer, live.id, loaders(viewer));
      const ended = await lifecycle.end(broadcaster, live.id, loaders(broadcaster));
      expect(ended.viewerCount).toBe(0);
      expect(
        await t.sql('SELECT 1 FROM broadcast_viewers WHERE broadcast_id = $1', [live.id]),
      ).toEqual([]);
      expect(await counts(live.id)).toEqual({ now: 0, peak: 1 });
    });

    it('uncounts a viewer the broadcaster blocks', async () => {
      const broadcaster = await account();
      const viewer = await account();
      const live = await lifecycle.start(broadcaster, { title: 'Blocking' });
      await presence.join(viewer, live.id, loaders(viewer));
      await t.app.get(BlockService).block(broadcaster, viewer.id);
      expect((await counts(live.id)).now).toBe(0);
      await expect(presence.join(viewer, live.id, loaders(viewer))).rejects.toBeInstanceOf(
        NotFoundError,
      );
    });
  });
});
