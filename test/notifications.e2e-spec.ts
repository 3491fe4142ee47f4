import { toGlobalId } from '@app/common';
import { errorCode, eventually, TestApp, TestUser } from '@app/testing';

/**
 * Notifications over HTTP and a real graphql-ws websocket: each kind is created by the act
 * behind it, never for one's own acts, never from muted or blocked accounts; the list pages
 * newest first; markNotificationsRead; notificationAdded pushes to the recipient only.
 */

const NOTIFICATION_FIELDS = `id kind read createdAt actor { id handle } post { id text }`;
const NOTIFICATIONS = `query($first: Int, $after: String) {
  notifications(first: $first, after: $after) {
    edges { cursor node { ${NOTIFICATION_FIELDS} } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  } }`;
const MARK_READ = `mutation($upTo: ID) { markNotificationsRead(upTo: $upTo) }`;
const NODE = `query($id: ID!) { node(id: $id) { __typename ... on Notification { id kind } } }`;
const ADDED = `subscription { notificationAdded { ${NOTIFICATION_FIELDS} } }`;
const FOLLOW = `mutation($id: ID!, $notify: Boolean) { follow(userId: $id, notify: $notify) { id } }`;
const UNFOLLOW = `mutation($id: ID!) { unfollow(userId: $id) { id } }`;
const BLOCK = `mutation($id: ID!) { block(userId: $id) { id } }`;
const MUTE = `mutation($id: ID!) { mute(userId: $id) { id } }`;
const UNMUTE = `mutation($id: ID!) { unmute(userId: $id) { id } }`;
const DELETE_POST = `mutation($id: ID!) { deletePost(id: $id) }`;
const LIKE = `mutation($id: ID!) { likePost(id: $id) { id } }`;
const UNLIKE = `mutation($id: ID!) { unlikePost(id: $id) { id } }`;
const START = `mutation($input: StartBroadcastInput!) { startBroadcast(input: $input) { id } }`;
const END = `mutation($id: ID!) { endBroadcast(id: $id) { id } }`;
const LIVE_FIELDS = `kind actor { handle } post { id } broadcast { id title visibility }`;
const LIVE_NOTIFICATIONS = `query { notifications(first: 100) { edges { node { ${LIVE_FIELDS} } } } }`;
const LIVE_ADDED = `subscription { notificationAdded { ${LIVE_FIELDS} } }`;

interface NotificationNode {
  id: string;
  kind: string;
  read: boolean;
  createdAt: string;
  actor: { id: string; handle: string };
  post: { id: string; text: string } | null;
}

/** The database id inside a global id ("Notification:12" -> "12"). */
function rowId(globalId: string): string {
  return Buffer.from(globalId, 'base64url').toString().split(':')[1];
}

describe('notifications (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.close());

  const like = (user: TestUser, postId: string) => t.ok(LIKE, { id: postId }, user.token);
  const goLive = async (
    broadcaster: TestUser,
    title: string,
    visibility: 'PUBLIC' | 'FOLLOWERS' = 'PUBLIC',
  ): Promise<string> =>
    (await t.ok(START, { input: { title, visibility } }, broadcaster.token)).startBroadcast.id;
  const liveNotificationsOf = async (user: TestUser) =>
    (await t.ok(LIVE_NOTIFICATIONS, {}, user.token)).notifications.edges.map(
      (edge: { node: unknown }) => edge.node,
    );
  /**
   * The user's notifications once they hold `count` WENT_LIVE: those are written just after the
   * go-live commits, so they may follow its response by a moment.
   */
  const wentLiveNotificationsOf = (user: TestUser, count: number) =>
    eventually(
      () => liveNotificationsOf(user),
      (nodes) => nodes.filter((n: { kind: string }) => n.kind === 'WENT_LIVE').length >= count,
      5000,
      `${count} WENT_LIVE notifications of ${user.handle}`,
    );

  /** Every notification of the user, newest first. */
  async function notificationsOf(user: TestUser): Promise<NotificationNode[]> {
    const data = await t.ok(NOTIFICATIONS, { first: 100 }, user.token);
    return data.notifications.edges.map((edge: { node: NotificationNode }) => edge.node);
  }

  /** The notifications of the user as [kind, actor handle, post text or null]. */
  async function summary(user: TestUser): Promise<[string, string, string | null][]> {
    return (await notificationsOf(user)).map((n) => [n.kind, n.actor.handle, n.post?.text ?? null]);
  }

  describe('creation', () => {
    it('FOLLOWED: the followee hears of a new follower, once per follower', async () => {
      const [star, fan] = [await t.signUp(), await t.signUp()];
      await t.follow(fan, star);

      const [notification] = await notificationsOf(star);
      expect(notification).toMatchObject({
        kind: 'FOLLOWED',
        read: false,
        actor: { id: fan.id, handle: fan.handle },
        post: null,
      });
      expect(Date.parse(notification.createdAt)).toBeGreaterThan(Date.now() - 60_000);
      expect(await notificationsOf(fan)).toEqual([]);

      // Following again is a no-op; unfollow then follow does not notify a second time.
      await t.follow(fan, star);
      await t.ok(UNFOLLOW, { id: star.id }, fan.token);
      await t.follow(fan, star);
      expect(await summary(star)).toEqual([['FOLLOWED', fan.handle, null]]);
    });

    it('MENTIONED: each mentioned account, but not the author mentioning themselves', async () => {
      const [author, first, second] = [await t.signUp(), await t.signUp(), await t.signUp()];
      const text = `hello @${first.handle} and @${second.handle} from @${author.handle}`;
      const postId = await t.post(author, text);

      for (const user of [first, second]) {
        const [notification] = await notificationsOf(user);
        expect(notification).toMatchObject({
          kind: 'MENTIONED',
          actor: { handle: author.handle },
          post: { id: postId, text },
        });
      }
      expect(await notificationsOf(author)).toEqual([]);
    });

    it('REPLIED: the author replied to gets the reply, once even when also mentioned', async () => {
      const [author, replier, other] = [await t.signUp(), await t.signUp(), await t.signUp()];
      const parent = await t.post(author, 'what do you think?');
      await t.post(replier, {
        text: `@${author.handle} I agree, and so does @${other.handle}`,
        replyToId: parent,
      });
      await t.post(author, { text: 'replying to myself', replyToId: parent });

      expect(await summary(author)).toEqual([
        ['REPLIED', replier.handle, `@${author.handle} I agree, and so does @${other.handle}`],
      ]);
      expect(await summary(other)).toEqual([
        ['MENTIONED', replier.handle, `@${author.handle} I agree, and so does @${other.handle}`],
      ]);
      expect(await notificationsOf(replier)).toEqual([]);
    });

    it('LIKED: the author hears of a like once per liker, never of their own', async () => {
      const [author, fan, other] = [await t.signUp(), await t.signUp(), await t.signUp()];
      const postId = await t.post(author, 'like me');
      await like(author, postId);
      await like(fan, postId);
      await t.ok(UNLIKE, { id: postId }, fan.token);
      await like(fan, postId);
      await like(fan, postId);
      await like(other, postId);

      expect(await summary(author)).toEqual([
        ['LIKED', other.handle, 'like me'],
        ['LIKED', fan.handle, 'like me'],
      ]);
      expect(await notificationsOf(fan)).toEqual([]);
    });

    it('goes with its post: deleting the post takes its notifications away', async () => {
      const [author, fan] = [await t.signUp(), await t.signUp()];
      const postId = await t.post(author, 'short-lived');
      await like(fan, postId);
      expect(await notificationsOf(author)).toHaveLength(1);

      await t.ok(DELETE_POST, { id: postId }, author.token);
      expect(await notificationsOf(author)).toEqual([]);
    });
  });

  describe('WENT_LIVE', () => {
    it('reaches every follower who asked for it, and nobody else', async () => {
      const [star, fan, quiet, muting, stranger] = [
        await t.signUp(),
        await t.signUp(),
        await t.signUp(),
        await t.signUp(),
        await t.signUp(),
      ];
      await t.follow(fan, star);
      await t.follow(quiet, star, false);
      await t.follow(muting, star);
      await t.ok(MUTE, { id: star.id }, muting.token);

      const id = await goLive(star, 'Live from the studio');
      // Once the fan has theirs, the one statement that wrote them all has committed.
      expect(await wentLiveNotificationsOf(fan, 1)).toEqual([
        {
          kind: 'WENT_LIVE',
          actor: { handle: star.handle },
          post: null,
          broadcast: { id, title: 'Live from the studio', visibility: 'PUBLIC' },
        },
      ]);
      for (const user of [quiet, muting, stranger]) {
        expect(await liveNotificationsOf(user)).toEqual([]);
      }
      expect((await liveNotificationsOf(star)).map((n: any) => n.kind)).toEqual([
        'FOLLOWED',
        'FOLLOWED',
        'FOLLOWED',
      ]);
    });

    it('does not notify again for a restart within 10 minutes, but does after', async () => {
      const [star, fan] = [await t.signUp(), await t.signUp()];
      await t.follow(fan, star);
      const first = await goLive(star, 'take one');
      await wentLiveNotificationsOf(fan, 1);
      await t.ok(END, { id: first }, star.token);
      // No notification is even queued for the restart, so none can arrive later.
      const second = await goLive(star, 'take two, the connection dropped');
      expect((await liveNotificationsOf(fan)).map((n: any) => n.broadcast.id)).toEqual([first]);

      await t.ok(END, { id: second }, star.token);
      await t.sql(
        `UPDATE broadcasts SET started_at = started_at - interval '11 minutes'
         WHERE broadcaster_id = $1`,
        [rowId(star.id)],
      );
      const third = await goLive(star, 'back after a break');
      expect((await wentLiveNotificationsOf(fan, 2)).map((n: any) => n.broadcast.id)).toEqual([
        third,
        first,
      ]);
    });

    it('are written by a process that stops right after the go-live, before their moment', async () => {
      const [star, fan] = [await t.signUp(), await t.signUp()];
      await t.follow(fan, star);
      const id = await goLive(star, 'going live, then a deploy');
      await t.restart();
      expect((await liveNotificationsOf(fan)).map((n: any) => n.broadcast?.id)).toEqual([id]);
    });

    it('for a followers-only broadcast, the broadcast hides once its viewer stops following', async () => {
      const [star, fan] = [await t.signUp(), await t.signUp()];
      await t.follow(fan, star);
      const id = await goLive(star, 'members only', 'FOLLOWERS');
      expect((await wentLiveNotificationsOf(fan, 1))[0].broadcast).toMatchObject({
        id,
        visibility: 'FOLLOWERS',
      });

      await t.ok(UNFOLLOW, { id: star.id }, fan.token);
      expect(await liveNotificationsOf(fan)).toEqual([
        expect.objectContaining({ kind: 'WENT_LIVE', broadcast: null }),
      ]);
    });

    it('is pushed to every connected follower, loading the message once for all of them', async () => {
      async function statementsToGoLive(followers: number): Promise<number> {
        const star = await t.signUp();
        const fans: TestUser[] = [];
        for (let i = 0; i < followers; i++) {
          const fan = await t.signUp();
          await t.follow(fan, star);
          fans.push(fan);
        }
        const subs = await Promise.all(fans.map((fan) => t.subscribe(LIVE_ADDED, {}, fan.token)));
        try {
          t.queries.reset();
          const id = await goLive(star, 'everyone at once', 'FOLLOWERS');
          // Written a second after the go-live (WentLiveNotifier), then pushed at once.
          for (const sub of subs) {
            expect((await sub.nextData(5000)).notificationAdded).toEqual({
              kind: 'WENT_LIVE',
              actor: { handle: star.handle },
              post: null,
              broadcast: { id, title: 'everyone at once', visibility: 'FOLLOWERS' },
            });
          }
          return t.queries.total;
        } finally {
          await Promise.all(subs.map((sub) => sub.close()));
        }
      }
      expect(await statementsToGoLive(4)).toBe(await statementsToGoLive(1));
    });
  });

  describe('mutes and blocks', () => {
    it('nothing from a muted account; a later mute hides what came before until unmuted', async () => {
      const [me, muted, earlier] = [await t.signUp(), await t.signUp(), await t.signUp()];
      const mine = await t.post(me, 'my post');
      await t.ok(MUTE, { id: muted.id }, me.token);

      await t.follow(muted, me);
      await t.post(muted, `hey @${me.handle}`);
      await t.post(muted, { text: 'a reply', replyToId: mine });
      await like(muted, mine);
      expect(await notificationsOf(me)).toEqual([]);
      expect(
        await t.sql('SELECT 1 FROM notifications WHERE actor_id = $1', [rowId(muted.id)]),
      ).toEqual([]);

      await like(earlier, mine);
      expect(await summary(me)).toEqual([['LIKED', earlier.handle, 'my post']]);
      await t.ok(MUTE, { id: earlier.id }, me.token);
      expect(await notificationsOf(me)).toEqual([]);
      await t.ok(UNMUTE, { id: earlier.id }, me.token);
      expect(await summary(me)).toEqual([['LIKED', earlier.handle, 'my post']]);
    });

    it('nothing across a block, whichever side blocked', async () => {
      const [blocker, blocked] = [await t.signUp(), await t.signUp()];
      await t.ok(BLOCK, { id: blocked.id }, blocker.token);

      await t.post(blocker, `@${blocked.handle} cannot hear this`);
      await t.post(blocked, `@${blocker.handle} cannot hear this either`);
      expect(await notificationsOf(blocked)).toEqual([]);
      expect(await notificationsOf(blocker)).toEqual([]);

      // The blocked account cannot follow the blocker at all.
      expect(errorCode(await t.gql(FOLLOW, { id: blocker.id }, blocked.token))).toBe('NOT_FOUND');
      expect(await notificationsOf(blocker)).toEqual([]);
    });

    it('a block hides the notifications that came before it', async () => {
      const [me, fan] = [await t.signUp(), await t.signUp()];
      const mine = await t.post(me, 'liked before the block');
      await like(fan, mine);
      await t.post(me, `thanks @${fan.handle}`);
      expect(await notificationsOf(me)).toHaveLength(1);
      expect(await notificationsOf(fan)).toHaveLength(1);

      await t.ok(BLOCK, { id: fan.id }, me.token);
      expect(await notificationsOf(me)).toEqual([]);
      expect(await notificationsOf(fan)).toEqual([]);
    });
  });

  describe('list', () => {
    it('pages newest first with stable cursors', async () => {
      const star = await t.signUp();
      const fans: TestUser[] = [];
      for (let i = 0; i < 5; i++) {
        const fan = await t.signUp();
        await t.follow(fan, star);
        fans.push(fan);
      }
      const newestFirst = fans.map((fan) => fan.handle).reverse();

      const first = (await t.ok(NOTIFICATIONS, { first: 2 }, star.token)).notifications;
      expect(first.edges.map((e: any) => e.node.actor.handle)).toEqual(newestFirst.slice(0, 2));
      expect(first.pageInfo).toMatchObject({
        hasNextPage: true,
        hasPreviousPage: false,
        startCursor: first.edges[0].cursor,
        endCursor: first.edges[1].cursor,
      });

      // A notification arriving meanwhile does not shift the next page.
      await t.follow(await t.signUp(), star);
      const second = (
        await t.ok(NOTIFICATIONS, { first: 2, after: first.pageInfo.endCursor }, star.token)
      ).notifications;
      expect(second.edges.map((e: any) => e.node.actor.handle)).toEqual(newestFirst.slice(2, 4));
      expect(second.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });

      const last = (
        await t.ok(NOTIFICATIONS, { first: 2, after: second.pageInfo.endCursor }, star.token)
      ).notifications;
      expect(last.edges.map((e: any) => e.node.actor.handle)).toEqual(newestFirst.slice(4));
      expect(last.pageInfo.hasNextPage).toBe(false);
    });

    it('refuses bad arguments and anonymous viewers', async () => {
      const user = await t.signUp();
      expect(errorCode(await t.gql(NOTIFICATIONS, { first: 101 }, user.token))).toBe(
        'BAD_USER_INPUT',
      );
      expect(errorCode(await t.gql(NOTIFICATIONS, { after: 'nope!' }, user.token))).toBe(
        'BAD_USER_INPUT',
      );
      expect(errorCode(await t.gql(NOTIFICATIONS, {}))).toBe('UNAUTHENTICATED');
    });

    it('costs the same statements for 2 or 20 notifications', async () => {
      async function statementsFor(count: number): Promise<number> {
        const author = await t.signUp();
        for (let i = 0; i < count / 2; i++) {
          const fan = await t.signUp();
          await t.follow(fan, author);
          await like(fan, await t.post(author, `post ${i}`));
        }
        t.queries.reset();
        const data = await t.ok(NOTIFICATIONS, { first: 20 }, author.token);
        expect(data.notifications.edges).toHaveLength(count);
        return t.queries.total;
      }
      expect(await statementsFor(20)).toBe(await statementsFor(2));
    });

    it('node(id) shows a notification to its recipient only', async () => {
      const [star, fan] = [await t.signUp(), await t.signUp()];
      await t.follow(fan, star);
      const [notification] = await notificationsOf(star);

      expect((await t.ok(NODE, { id: notification.id }, star.token)).node).toEqual({
        __typename: 'Notification',
        id: notification.id,
        kind: 'FOLLOWED',
      });
      expect((await t.ok(NODE, { id: notification.id }, fan.token)).node).toBeNull();
      expect((await t.ok(NODE, { id: notification.id })).node).toBeNull();
    });
  });

  describe('markNotificationsRead', () => {
    it('marks up to an id or everything, counts what changed, and is idempotent', async () => {
      const star = await t.signUp();
      for (let i = 0; i < 4; i++) await t.follow(await t.signUp(), star);
      const [newest, third, second, oldest] = await notificationsOf(star);

      expect((await t.ok(MARK_READ, { upTo: second.id }, star.token)).markNotificationsRead).toBe(
        2,
      );
      expect((await notificationsOf(star)).map((n) => n.read)).toEqual([false, false, true, true]);
      expect((await t.ok(MARK_READ, { upTo: second.id }, star.token)).markNotificationsRead).toBe(
        0,
      );
      expect((await t.ok(MARK_READ, { upTo: oldest.id }, star.token)).markNotificationsRead).toBe(
        0,
      );

      expect((await t.ok(MARK_READ, {}, star.token)).markNotificationsRead).toBe(2);
      expect((await notificationsOf(star)).map((n) => n.id)).toEqual([
        newest.id,
        third.id,
        second.id,
        oldest.id,
      ]);
      expect((await notificationsOf(star)).every((n) => n.read)).toBe(true);
      expect((await t.ok(MARK_READ, { upTo: null }, star.token)).markNotificationsRead).toBe(0);
    });

    it("another user's notification id marks nothing of theirs", async () => {
      const [me, other] = [await t.signUp(), await t.signUp()];
      await t.follow(await t.signUp(), me);
      await t.follow(await t.signUp(), other);
      const [theirs] = await notificationsOf(other);
      const [mine] = await notificationsOf(me);

      // My notification is older than theirs, so it is in range; theirs stays unread.
      expect((await t.ok(MARK_READ, { upTo: theirs.id }, me.token)).markNotificationsRead).toBe(1);
      expect((await notificationsOf(me))[0]).toMatchObject({ id: mine.id, read: true });
      expect((await notificationsOf(other))[0]).toMatchObject({ id: theirs.id, read: false });
    });

    it('refuses malformed ids, ids of another type, and anonymous callers', async () => {
      const user = await t.signUp();
      await t.follow(await t.signUp(), user);
      const postId = await t.post(user, 'not a notification');
      for (const upTo of ['garbage', toGlobalId('Post', rowId(postId)), postId, 'Notification:1']) {
        const result = await t.gql(MARK_READ, { upTo }, user.token);
        expect(errorCode(result)).toBe('BAD_USER_INPUT');
      }
      expect(errorCode(await t.gql(MARK_READ, {}))).toBe('UNAUTHENTICATED');
      expect((await notificationsOf(user))[0].read).toBe(false);
    });
  });

  describe('notificationAdded', () => {
    it("pushes the viewer's new notification within a second, and nobody else's", async () => {
      const [star, fan, stranger, strangersFan] = [
        await t.signUp(),
        await t.signUp(),
        await t.signUp(),
        await t.signUp(),
      ];
      const sub = await t.subscribe(ADDED, {}, star.token);
      try {
        await t.follow(fan, star);
        const { notificationAdded } = await sub.nextData(1000);
        const [stored] = await notificationsOf(star);
        expect(notificationAdded).toEqual({ ...stored, createdAt: expect.any(String) });
        expect(notificationAdded).toMatchObject({
          kind: 'FOLLOWED',
          read: false,
          actor: { handle: fan.handle },
          post: null,
        });

        await t.follow(strangersFan, stranger);
        const marker = await t.signUp();
        await sub.nothingBefore(
          () => t.follow(marker, star),
          (data) => data.notificationAdded.actor.handle === marker.handle,
        );
      } finally {
        await sub.close();
      }
    });

    it('pushes to every open subscription of the recipient', async () => {
      const [author, fan] = [await t.signUp(), await t.signUp()];
      const postId = await t.post(author, 'two tabs open');
      const [first, second] = [
        await t.subscribe(ADDED, {}, author.token),
        await t.subscribe(ADDED, {}, author.token),
      ];
      try {
        await like(fan, postId);
        for (const sub of [first, second]) {
          expect((await sub.nextData(1000)).notificationAdded).toMatchObject({
            kind: 'LIKED',
            post: { id: postId },
          });
        }
      } finally {
        await first.close();
        await second.close();
      }
    });

    it('loads one message once, whatever the number of recipients connected', async () => {
      const author = await t.signUp();
      const readers = [await t.signUp(), await t.signUp(), await t.signUp()];
      const subs = await Promise.all(readers.map((r) => t.subscribe(ADDED, {}, r.token)));
      try {
        async function statementsToMention(mentioned: TestUser[]): Promise<number> {
          t.queries.reset();
          await t.post(author, `hello ${mentioned.map((m) => `@${m.handle}`).join(' ')}`);
          for (const sub of subs.slice(0, mentioned.length)) {
            expect((await sub.nextData(1000)).notificationAdded).toMatchObject({
              kind: 'MENTIONED',
              actor: { handle: author.handle },
            });
          }
          return t.queries.total;
        }
        expect(await statementsToMention(readers)).toBe(
          await statementsToMention(readers.slice(0, 1)),
        );
      } finally {
        await Promise.all(subs.map((sub) => sub.close()));
      }
    });

    it('requires a signed-in viewer', async () => {
      const sub = await t.subscribe(ADDED, {});
      try {
        const result = await sub.next(1000);
        expect(errorCode(result)).toBe('UNAUTHENTICATED');
      } finally {
        await sub.close();
      }
    });
  });
});
