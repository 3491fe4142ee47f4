import { toGlobalId } from '@app/common';
import { errorCode, GraphQLResponse, TestApp, TestUser } from '@app/testing';

/**
 * The social graph over HTTP against the real app and PostgreSQL: follow, unfollow, block, mute,
 * the relationship flags on User, the followers/following connections, and what blocks and mutes
 * do to profiles, posts and home timelines.
 */

const USER_FIELDS = `id handle followersCount followingCount viewerFollows followsViewer
  viewerNotifiedWhenLive viewerBlocks viewerMutes`;
const UPDATE_PROFILE = `mutation($input: UpdateProfileInput!) {
  updateProfile(input: $input) { id } }`;
const BLOCK_BACK = `mutation($id: ID!) {
  block(userId: $id) { handle displayName bio followersCount postsCount } }`;

const FOLLOW = `mutation($id: ID!, $notify: Boolean) {
  follow(userId: $id, notify: $notify) { ${USER_FIELDS} } }`;
const UNFOLLOW = `mutation($id: ID!) { unfollow(userId: $id) { ${USER_FIELDS} } }`;
const BLOCK = `mutation($id: ID!) { block(userId: $id) { ${USER_FIELDS} } }`;
const UNBLOCK = `mutation($id: ID!) { unblock(userId: $id) { ${USER_FIELDS} } }`;
const MUTE = `mutation($id: ID!) { mute(userId: $id) { ${USER_FIELDS} } }`;
const UNMUTE = `mutation($id: ID!) { unmute(userId: $id) { ${USER_FIELDS} } }`;
const USER = `query($handle: String!) { user(handle: $handle) { ${USER_FIELDS} } }`;
const CREATE_POST = `mutation($text: String!, $replyToId: ID) {
  createPost(input: { text: $text, replyToId: $replyToId }) { id text } }`;
const POST = `query($id: ID!) { post(id: $id) { id text author { handle } } }`;
const NODE = `query($id: ID!) { node(id: $id) { id __typename } }`;
const LIKE = `mutation($id: ID!) { likePost(id: $id) { id likesCount } }`;
const HOME = `query { homeTimeline(first: 100) { edges { node { __typename ... on Post { id } } } } }`;
const CONNECTION = (field: 'followers' | 'following') => `
  query($handle: String!, $first: Int, $after: String) {
    user(handle: $handle) {
      ${field}(first: $first, after: $after) {
        edges { cursor node { id handle } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }
  }`;

/** The database id inside a global id ("User:12" -> "12"). */
function rowId(globalId: string): string {
  return Buffer.from(globalId, 'base64url').toString().split(':')[1];
}

describe('social graph (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.close());

  /** Every row the graph mutations may touch, to prove a failed mutation changed nothing. */
  async function snapshot() {
    return {
      follows: await t.sql(
        'SELECT follower_id, followee_id, notify, created_at FROM follows ORDER BY 1, 2',
      ),
      blocks: await t.sql('SELECT blocker_id, blocked_id FROM blocks ORDER BY 1, 2'),
      mutes: await t.sql('SELECT muter_id, muted_id FROM mutes ORDER BY 1, 2'),
      users: await t.sql(
        'SELECT id, followers_count, following_count, posts_count FROM users ORDER BY id',
      ),
      timelines: await t.sql('SELECT owner_id, item_id FROM timeline_entries ORDER BY 1, 2'),
    };
  }

  /** Runs a request that must fail with `code` and leave every graph table as it was. */
  async function expectRejected(
    run: () => Promise<GraphQLResponse>,
    code: string,
  ): Promise<GraphQLResponse> {
    const before = await snapshot();
    const result = await run();
    expect(result.errors).toHaveLength(1);
    expect(errorCode(result)).toBe(code);
    expect(result.errors?.[0].message).toEqual(expect.any(String));
    expect(result.errors?.[0].extensions?.stacktrace).toBeUndefined();
    expect(await snapshot()).toEqual(before);
    return result;
  }

  async function counts(user: TestUser): Promise<{ followers: number; following: number }> {
    const [row] = await t.sql<{ followers_count: number; following_count: number }>(
      'SELECT followers_count, following_count FROM users WHERE id = $1',
      [rowId(user.id)],
    );
    return { followers: row.followers_count, following: row.following_count };
  }

  async function followRow(follower: TestUser, followee: TestUser) {
    const [row] = await t.sql<{ notify: boolean; created_at: Date }>(
      'SELECT notify, created_at FROM follows WHERE follower_id = $1 AND followee_id = $2',
      [rowId(follower.id), rowId(followee.id)],
    );
    return row;
  }

  const follow = async (follower: TestUser, followee: TestUser, notify?: boolean) =>
    (await t.ok(FOLLOW, { id: followee.id, notify }, follower.token)).follow;
  const view = async (viewer: TestUser | undefined, target: TestUser) =>
    (await t.ok(USER, { handle: target.handle }, viewer?.token)).user;
  const home = async (viewer: TestUser): Promise<string[]> =>
    (await t.ok(HOME, {}, viewer.token)).homeTimeline.edges.map(
      (edge: { node: { id: string } }) => edge.node.id,
    );

  /** Ids that are not valid User ids: garbage, raw, wrong shape, and another type's id. */
  async function invalidUserIds(): Promise<string[]> {
    const author = await t.signUp();
    const postId = await t.post(author, 'a post whose id is not a user id');
    return [
      'not-an-id',
      '',
      'User:1',
      Buffer.from('User:abc').toString('base64url'),
      Buffer.from('User:0').toString('base64url'),
      Buffer.from('User:-5').toString('base64url'),
      toGlobalId('Post', rowId(postId)),
      postId,
    ];
  }

  describe('follow', () => {
    it('follows with notify on by default, and counts move on both sides', async () => {
      const [alice, bob, carol] = [await t.signUp(), await t.signUp(), await t.signUp()];

      const followed = await follow(alice, bob);
      expect(followed).toMatchObject({
        id: bob.id,
        handle: bob.handle,
        followersCount: 1,
        followingCount: 0,
        viewerFollows: true,
        followsViewer: false,
        viewerNotifiedWhenLive: true,
        viewerBlocks: false,
        viewerMutes: false,
      });
      expect(await counts(alice)).toEqual({ followers: 0, following: 1 });
      expect(await counts(bob)).toEqual({ followers: 1, following: 0 });
      expect((await followRow(alice, bob)).notify).toBe(true);

      // The other side of the same edge.
      expect(await view(bob, alice)).toMatchObject({
        followingCount: 1,
        viewerFollows: false,
        followsViewer: true,
        viewerNotifiedWhenLive: false,
      });

      // notify: false still follows, without live notifications.
      const quiet = await follow(carol, bob, false);
      expect(quiet).toMatchObject({
        followersCount: 2,
        viewerFollows: true,
        viewerNotifiedWhenLive: false,
      });
      expect((await followRow(carol, bob)).notify).toBe(false);
      expect(await counts(carol)).toEqual({ followers: 0, following: 1 });
      expect(await counts(bob)).toEqual({ followers: 2, following: 0 });

      // Anonymous viewers get every relationship flag false.
      expect(await view(undefined, bob)).toMatchObject({
        followersCount: 2,
        viewerFollows: false,
        followsViewer: false,
        viewerNotifiedWhenLive: false,
        viewerBlocks: false,
        viewerMutes: false,
      });
    });

    it('is idempotent: counts stay, and notify changes only when it is given', async () => {
      const [fan, star] = [await t.signUp(), await t.signUp()];
      await follow(fan, star, false);
      const first = await followRow(fan, star);

      const again = await follow(fan, star);
      expect(again).toMatchObject({ followersCount: 1, viewerNotifiedWhenLive: false });
      expect(await followRow(fan, star)).toEqual(first);
      expect(await counts(fan)).toEqual({ followers: 0, following: 1 });
      expect(await counts(star)).toEqual({ followers: 1, following: 0 });

      const louder = await follow(fan, star, true);
      expect(louder).toMatchObject({ followersCount: 1, viewerNotifiedWhenLive: true });
      expect(await followRow(fan, star)).toEqual({ ...first, notify: true });

      await follow(fan, star);
      expect((await followRow(fan, star)).notify).toBe(true);
      await follow(fan, star, false);
      expect((await followRow(fan, star)).notify).toBe(false);
      expect(await counts(star)).toEqual({ followers: 1, following: 0 });
      expect(
        await t.sql('SELECT 1 FROM follows WHERE followee_id = $1', [rowId(star.id)]),
      ).toHaveLength(1);
    });

    it('brings the followed account’s recent posts into the home timeline', async () => {
      const [reader, writer] = [await t.signUp(), await t.signUp()];
      const earlier = await t.post(writer, 'written before the follow');
      expect(await home(reader)).not.toContain(earlier);
      await follow(reader, writer);
      expect(await home(reader)).toContain(earlier);
      const later = await t.post(writer, 'written after the follow');
      expect((await home(reader))[0]).toBe(later);
    });

    it('refuses to follow yourself (BAD_USER_INPUT)', async () => {
      const me = await t.signUp();
      const result = await expectRejected(
        () => t.gql(FOLLOW, { id: me.id }, me.token),
        'BAD_USER_INPUT',
      );
      expect(result.data).toBeNull();
      expect(await counts(me)).toEqual({ followers: 0, following: 0 });
    });

    it('answers NOT_FOUND for a user that does not exist or is suspended', async () => {
      const [me, gone] = [await t.signUp(), await t.signUp()];
      await expectRejected(
        () => t.gql(FOLLOW, { id: toGlobalId('User', '987654321') }, me.token),
        'NOT_FOUND',
      );
      await t.sql('UPDATE users SET suspended_at = now() WHERE id = $1', [rowId(gone.id)]);
      await expectRejected(() => t.gql(FOLLOW, { id: gone.id }, me.token), 'NOT_FOUND');
    });

    it('answers BAD_USER_INPUT for malformed ids and ids of another type', async () => {
      const me = await t.signUp();
      for (const id of await invalidUserIds()) {
        await expectRejected(() => t.gql(FOLLOW, { id }, me.token), 'BAD_USER_INPUT');
      }
    });

    it('requires a signed-in viewer (UNAUTHENTICATED)', async () => {
      const target = await t.signUp();
      await expectRejected(() => t.gql(FOLLOW, { id: target.id }), 'UNAUTHENTICATED');
      await expectRejected(
        () => t.gql(FOLLOW, { id: target.id }, 'not.a.valid.token'),
        'UNAUTHENTICATED',
      );
      expect(await counts(target)).toEqual({ followers: 0, following: 0 });
    });

    it('answers NOT_FOUND when the account blocks you, and stores nothing', async () => {
      const [blocker, blocked] = [await t.signUp(), await t.signUp()];
      await t.ok(BLOCK, { id: blocked.id }, blocker.token);
      await expectRejected(() => t.gql(FOLLOW, { id: blocker.id }, blocked.token), 'NOT_FOUND');
      await expectRejected(
        () => t.gql(FOLLOW, { id: blocker.id, notify: false }, blocked.token),
        'NOT_FOUND',
      );
      expect(await followRow(blocked, blocker)).toBeUndefined();
      expect(await counts(blocker)).toEqual({ followers: 0, following: 0 });
    });

    it('answers CONFLICT when you block the account', async () => {
      const [blocker, blocked] = [await t.signUp(), await t.signUp()];
      await t.ok(BLOCK, { id: blocked.id }, blocker.token);
      const result = await expectRejected(
        () => t.gql(FOLLOW, { id: blocked.id }, blocker.token),
        'CONFLICT',
      );
      expect(result.errors?.[0].message).toMatch(/unblock/i);
      expect(await followRow(blocker, blocked)).toBeUndefined();
    });
  });

  describe('unfollow', () => {
    it('puts counts back, clears the flags and is idempotent', async () => {
      const [fan, star, other] = [await t.signUp(), await t.signUp(), await t.signUp()];
      await follow(fan, star);
      await follow(other, star);
      await follow(star, fan);

      const result = (await t.ok(UNFOLLOW, { id: star.id }, fan.token)).unfollow;
      expect(result).toMatchObject({
        id: star.id,
        followersCount: 1,
        followingCount: 1,
        viewerFollows: false,
        viewerNotifiedWhenLive: false,
        followsViewer: true,
      });
      expect(await followRow(fan, star)).toBeUndefined();
      expect(await counts(fan)).toEqual({ followers: 1, following: 0 });
      expect(await counts(star)).toEqual({ followers: 1, following: 1 });

      // Again: nothing to undo, nothing changes.
      const before = await snapshot();
      const again = (await t.ok(UNFOLLOW, { id: star.id }, fan.token)).unfollow;
      expect(again).toMatchObject({ followersCount: 1, viewerFollows: false });
      expect(await snapshot()).toEqual(before);

      // Never followed: nothing changes either.
      const stranger = await t.signUp();
      const untouched = await snapshot();
      await t.ok(UNFOLLOW, { id: star.id }, stranger.token);
      expect(await snapshot()).toEqual(untouched);
    });

    it('takes the unfollowed account’s posts out of the home timeline', async () => {
      const [reader, writer] = [await t.signUp(), await t.signUp()];
      await follow(reader, writer);
      const written = await t.post(writer, 'soon gone from the reader’s home');
      const own = await t.post(reader, 'the reader’s own post stays');
      expect(await home(reader)).toEqual([own, written]);
      await t.ok(UNFOLLOW, { id: writer.id }, reader.token);
      expect(await home(reader)).toEqual([own]);
    });

    it('fails with NOT_FOUND, BAD_USER_INPUT and UNAUTHENTICATED as it should', async () => {
      const [me, star] = [await t.signUp(), await t.signUp()];
      await follow(me, star);
      await expectRejected(
        () => t.gql(UNFOLLOW, { id: toGlobalId('User', '987654321') }, me.token),
        'NOT_FOUND',
      );
      for (const id of await invalidUserIds()) {
        await expectRejected(() => t.gql(UNFOLLOW, { id }, me.token), 'BAD_USER_INPUT');
      }
      await expectRejected(() => t.gql(UNFOLLOW, { id: star.id }), 'UNAUTHENTICATED');
      expect((await followRow(me, star)).notify).toBe(true);
      expect(await counts(star)).toEqual({ followers: 1, following: 0 });
    });
  });

  describe('user(handle)', () => {
    it('finds a user case-insensitively and answers NOT_FOUND for unknown handles', async () => {
      const someone = await t.signUp();
      expect((await t.ok(USER, { handle: someone.handle.toUpperCase() })).user.id).toBe(someone.id);
      const missing = await t.gql(USER, { handle: 'nobody_by_that_name' });
      expect(errorCode(missing)).toBe('NOT_FOUND');
      expect(missing.errors?.[0].message).toBe('The user @nobody_by_that_name was not found.');
      expect(missing.data?.user).toBeNull();

      // What cannot be a handle is not echoed back.
      const long = await t.gql(USER, { handle: 'x'.repeat(5000) });
      expect(errorCode(long)).toBe('NOT_FOUND');
      expect(long.errors?.[0].message).toBe('The user was not found.');
    });
  });

  describe('followers and following', () => {
    const ids = (connection: { edges: { node: { id: string } }[] }) =>
      connection.edges.map((edge) => edge.node.id);

    it('lists newest follow first, on both sides', async () => {
      const star = await t.signUp();
      const fans = [await t.signUp(), await t.signUp(), await t.signUp(), await t.signUp()];
      for (const fan of fans) await follow(fan, star);
      const followers = (await t.ok(CONNECTION('followers'), { handle: star.handle })).user
        .followers;
      expect(ids(followers)).toEqual(fans.map((fan) => fan.id).reverse());
      expect(followers.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
      expect(followers.pageInfo.startCursor).toBe(followers.edges[0].cursor);
      expect(followers.pageInfo.endCursor).toBe(followers.edges[3].cursor);

      const reader = fans[0];
      const stars = [await t.signUp(), await t.signUp(), await t.signUp()];
      for (const s of stars) await follow(reader, s);
      const following = (await t.ok(CONNECTION('following'), { handle: reader.handle })).user
        .following;
      expect(ids(following)).toEqual([...stars.map((s) => s.id).reverse(), star.id]);

      // Unfollowing takes the account out of both lists.
      await t.ok(UNFOLLOW, { id: stars[1].id }, reader.token);
      const after = (await t.ok(CONNECTION('following'), { handle: reader.handle })).user.following;
      expect(ids(after)).toEqual([stars[2].id, stars[0].id, star.id]);
      const empty = (await t.ok(CONNECTION('followers'), { handle: stars[1].handle })).user
        .followers;
      expect(empty.edges).toEqual([]);
      expect(empty.pageInfo).toEqual({
        hasNextPage: false,
        hasPreviousPage: false,
        startCursor: null,
        endCursor: null,
      });
    });

    it('pages with first/after without repeats, and new follows never shift a page', async () => {
      const star = await t.signUp();
      const fans: TestUser[] = [];
      for (let i = 0; i < 7; i++) fans.push(await t.signUp());
      for (const fan of fans) await follow(fan, star);
      const expected = fans.map((fan) => fan.id).reverse();
      const page = async (after?: string) =>
        (await t.ok(CONNECTION('followers'), { handle: star.handle, first: 3, after })).user
          .followers;

      const first = await page();
      expect(ids(first)).toEqual(expected.slice(0, 3));
      expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });

      // New followers arrive between page loads: they sit before page one, never in page two.
      const late = [await t.signUp(), await t.signUp()];
      for (const fan of late) await follow(fan, star);

      const second = await page(first.pageInfo.endCursor);
      expect(ids(second)).toEqual(expected.slice(3, 6));
      expect(second.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
      const third = await page(second.pageInfo.endCursor);
      expect(ids(third)).toEqual(expected.slice(6));
      expect(third.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });

      const seen = [...ids(first), ...ids(second), ...ids(third)];
      expect(new Set(seen).size).toBe(7);
      expect(seen).toEqual(expected);

      // The same cursor gives the same page again; a fresh first page shows the newcomers.
      expect(ids(await page(first.pageInfo.endCursor))).toEqual(ids(second));
      expect(ids(await page())).toEqual([late[1].id, late[0].id, expected[0]]);
    });

    it('leaves out accounts that block the viewer, page by page', async () => {
      const [star, viewer, early, blocker, late] = [
        await t.signUp(),
        await t.signUp(),
        await t.signUp(),
        await t.signUp(),
        await t.signUp(),
      ];
      for (const fan of [early, blocker, late]) await follow(fan, star);
      await t.ok(BLOCK, { id: viewer.id }, blocker.token);
      const list = async (who: TestUser | undefined, after?: string) =>
        (await t.ok(CONNECTION('followers'), { handle: star.handle, first: 1, after }, who?.token))
          .user.followers;

      // The viewer pages past the hidden account without a gap or an empty page.
      const page1 = await list(viewer);
      expect(ids(page1)).toEqual([late.id]);
      expect(page1.pageInfo.hasNextPage).toBe(true);
      const page2 = await list(viewer, page1.pageInfo.endCursor);
      expect(ids(page2)).toEqual([early.id]);
      expect(page2.pageInfo.hasNextPage).toBe(false);

      // Everyone else sees the whole list.
      const all = await t.ok(CONNECTION('followers'), { handle: star.handle });
      expect(ids(all.user.followers)).toEqual([late.id, blocker.id, early.id]);
      const following = await t.ok(CONNECTION('following'), { handle: blocker.handle }, star.token);
      expect(ids(following.user.following)).toEqual([star.id]);
    });

    it('refuses first outside 1..100 and garbage cursors (BAD_USER_INPUT)', async () => {
      const star = await t.signUp();
      const fan = await t.signUp();
      await follow(fan, star);
      for (const field of ['followers', 'following'] as const) {
        const handle = field === 'followers' ? star.handle : fan.handle;
        for (const first of [0, -1, 101, 1000]) {
          const result = await t.gql(CONNECTION(field), { handle, first });
          expect({ field, first, code: errorCode(result) }).toEqual({
            field,
            first,
            code: 'BAD_USER_INPUT',
          });
        }
        for (const after of [
          'garbage!',
          'bm90LWpzb24',
          Buffer.from('{"a":1}').toString('base64url'),
          Buffer.from('["yesterday","1"]').toString('base64url'),
        ]) {
          const result = await t.gql(CONNECTION(field), { handle, after });
          expect({ field, after, code: errorCode(result) }).toEqual({
            field,
            after,
            code: 'BAD_USER_INPUT',
          });
        }
        const max = await t.ok(CONNECTION(field), { handle, first: 100 });
        expect(max.user[field].edges).toHaveLength(1);
      }
    });
  });

  describe('block', () => {
    it('removes follows both ways with exact counts, and sets viewerBlocks', async () => {
      const [alice, bob, carol] = [await t.signUp(), await t.signUp(), await t.signUp()];
      await follow(alice, bob);
      await follow(bob, alice);
      await follow(carol, alice);
      await follow(carol, bob);

      const blocked = (await t.ok(BLOCK, { id: bob.id }, alice.token)).block;
      expect(blocked).toMatchObject({
        id: bob.id,
        viewerBlocks: true,
        viewerFollows: false,
        followsViewer: false,
        viewerNotifiedWhenLive: false,
        followersCount: 1,
        followingCount: 0,
      });
      expect(await counts(alice)).toEqual({ followers: 1, following: 0 });
      expect(await counts(bob)).toEqual({ followers: 1, following: 0 });
      expect(await counts(carol)).toEqual({ followers: 0, following: 2 });
      expect(await followRow(alice, bob)).toBeUndefined();
      expect(await followRow(bob, alice)).toBeUndefined();
      expect(
        await t.sql('SELECT 1 FROM blocks WHERE blocker_id = $1 AND blocked_id = $2', [
          rowId(alice.id),
          rowId(bob.id),
        ]),
      ).toHaveLength(1);

      // The blocker still sees the blocked profile, flagged.
      expect(await view(alice, bob)).toMatchObject({ viewerBlocks: true, viewerFollows: false });
      expect(await view(carol, bob)).toMatchObject({ viewerBlocks: false, viewerFollows: true });
    });

    it('takes each one’s posts out of the other’s home timeline, not out of others’', async () => {
      const [alice, bob, carol] = [await t.signUp(), await t.signUp(), await t.signUp()];
      await follow(alice, bob);
      await follow(bob, alice);
      await follow(carol, alice);
      const fromAlice = await t.post(alice, 'alice writes');
      const fromBob = await t.post(bob, 'bob writes');
      expect(await home(alice)).toEqual([fromBob, fromAlice]);
      expect(await home(bob)).toEqual([fromBob, fromAlice]);

      await t.ok(BLOCK, { id: bob.id }, alice.token);
      expect(await home(alice)).toEqual([fromAlice]);
      expect(await home(bob)).toEqual([fromBob]);
      expect(await home(carol)).toEqual([fromAlice]);

      // Later posts do not flow either way.
      const laterFromAlice = await t.post(alice, 'alice again');
      expect(await home(bob)).toEqual([fromBob]);
      expect(await home(carol)).toEqual([laterFromAlice, fromAlice]);
    });

    it('hides the blocker’s profile and posts from the blocked account (NOT_FOUND)', async () => {
      const [blocker, blocked, bystander] = [await t.signUp(), await t.signUp(), await t.signUp()];
      const postId = await t.post(blocker, 'the blocked account must not see this');
      await t.ok(BLOCK, { id: blocked.id }, blocker.token);

      let result = await t.gql(USER, { handle: blocker.handle }, blocked.token);
      expect(errorCode(result)).toBe('NOT_FOUND');
      expect(result.data?.user).toBeNull();
      result = await t.gql(USER, { handle: blocker.handle.toUpperCase() }, blocked.token);
      expect(errorCode(result)).toBe('NOT_FOUND');
      result = await t.gql(POST, { id: postId }, blocked.token);
      expect(errorCode(result)).toBe('NOT_FOUND');
      expect(result.data?.post).toBeNull();
      expect((await t.ok(NODE, { id: postId }, blocked.token)).node).toBeNull();
      expect((await t.ok(NODE, { id: blocker.id }, blocked.token)).node).toBeNull();

      // Everyone else, and anonymous readers, still see them.
      expect((await t.ok(POST, { id: postId }, bystander.token)).post.text).toMatch(/must not/);
      expect((await t.ok(POST, { id: postId })).post.author.handle).toBe(blocker.handle);
      expect(await view(bystander, blocker)).toMatchObject({ id: blocker.id });
      expect((await t.ok(NODE, { id: blocker.id }, bystander.token)).node.__typename).toBe('User');

      // The blocked account can neither like nor reply to the blocker's posts.
      await expectRejected(() => t.gql(LIKE, { id: postId }, blocked.token), 'NOT_FOUND');
      await expectRejected(
        () => t.gql(CREATE_POST, { text: 'a reply', replyToId: postId }, blocked.token),
        'NOT_FOUND',
      );
      const [row] = await t.sql('SELECT likes_count, replies_count FROM posts WHERE id = $1', [
        rowId(postId),
      ]);
      expect(row).toEqual({ likes_count: 0, replies_count: 0 });
    });

    it('lets the blocked account block back: each is then hidden from the other', async () => {
      const [alice, bob] = [await t.signUp(), await t.signUp()];
      const fromAlice = await t.post(alice, 'alice, blocking first');
      const fromBob = await t.post(bob, 'bob, blocking back');
      await t.ok(BLOCK, { id: bob.id }, alice.token);
      expect((await t.ok(POST, { id: fromBob }, alice.token)).post.id).toBe(fromBob);

      await t.ok(UPDATE_PROFILE, { input: { bio: 'private bio' } }, alice.token);
      // Blocking back answers with Alice's handle only: it is no way to read her profile.
      const { block } = await t.ok(BLOCK_BACK, { id: alice.id }, bob.token);
      expect(block).toMatchObject({
        handle: alice.handle,
        displayName: alice.handle,
        bio: null,
        followersCount: 0,
        postsCount: 0,
      });
      expect(
        await t.sql('SELECT 1 FROM blocks WHERE blocker_id IN ($1, $2)', [
          rowId(alice.id),
          rowId(bob.id),
        ]),
      ).toHaveLength(2);
      expect(errorCode(await t.gql(POST, { id: fromBob }, alice.token))).toBe('NOT_FOUND');
      expect(errorCode(await t.gql(POST, { id: fromAlice }, bob.token))).toBe('NOT_FOUND');

      // Alice lifting her block leaves Bob's standing: Alice still cannot see Bob.
      await t.ok(UNBLOCK, { id: bob.id }, alice.token);
      expect(errorCode(await t.gql(USER, { handle: bob.handle }, alice.token))).toBe('NOT_FOUND');
      expect((await t.ok(POST, { id: fromAlice }, bob.token)).post.id).toBe(fromAlice);
      await expectRejected(() => t.gql(FOLLOW, { id: bob.id }, alice.token), 'NOT_FOUND');
      await expectRejected(() => t.gql(FOLLOW, { id: alice.id }, bob.token), 'CONFLICT');
    });

    it('blocking back answers the withheld profile with empty lists, not an error', async () => {
      const [alice, bob, fan] = [await t.signUp(), await t.signUp(), await t.signUp()];
      await t.post(alice, 'alice, before blocking');
      await follow(fan, alice);
      await follow(alice, fan);
      await t.ok(BLOCK, { id: bob.id }, alice.token);
      const lists = `mutation($id: ID!) { block(userId: $id) { handle
        timeline(first: 10) { edges { cursor } pageInfo { hasNextPage } }
        followers(first: 10) { edges { cursor } pageInfo { hasNextPage } }
        following(first: 10) { edges { cursor } pageInfo { hasNextPage } } } }`;
      const empty = { edges: [], pageInfo: { hasNextPage: false } };
      expect((await t.ok(lists, { id: alice.id }, bob.token)).block).toEqual({
        handle: alice.handle,
        timeline: empty,
        followers: empty,
        following: empty,
      });
      expect(
        await t.sql('SELECT 1 FROM blocks WHERE blocker_id = $1 AND blocked_id = $2', [
          rowId(bob.id),
          rowId(alice.id),
        ]),
      ).toHaveLength(1);
    });

    it('refuses to block yourself, missing users, bad ids and anonymous callers', async () => {
      const [me, other] = [await t.signUp(), await t.signUp()];
      await expectRejected(() => t.gql(BLOCK, { id: me.id }, me.token), 'BAD_USER_INPUT');
      await expectRejected(
        () => t.gql(BLOCK, { id: toGlobalId('User', '987654321') }, me.token),
        'NOT_FOUND',
      );
      for (const id of await invalidUserIds()) {
        await expectRejected(() => t.gql(BLOCK, { id }, me.token), 'BAD_USER_INPUT');
      }
      await expectRejected(() => t.gql(BLOCK, { id: other.id }), 'UNAUTHENTICATED');
      expect(await view(me, other)).toMatchObject({ viewerBlocks: false });
    });

    it('is idempotent', async () => {
      const [alice, bob] = [await t.signUp(), await t.signUp()];
      await follow(bob, alice);
      await t.ok(BLOCK, { id: bob.id }, alice.token);
      const before = await snapshot();
      const again = (await t.ok(BLOCK, { id: bob.id }, alice.token)).block;
      expect(again).toMatchObject({ viewerBlocks: true, followersCount: 0 });
      expect(await snapshot()).toEqual(before);
      expect(await counts(alice)).toEqual({ followers: 0, following: 0 });
    });

    it('unblock lifts the block but restores no follow; it is idempotent', async () => {
      const [alice, bob] = [await t.signUp(), await t.signUp()];
      await follow(bob, alice);
      const postId = await t.post(alice, 'visible again after the unblock');
      await t.ok(BLOCK, { id: bob.id }, alice.token);

      const lifted = (await t.ok(UNBLOCK, { id: bob.id }, alice.token)).unblock;
      expect(lifted).toMatchObject({ viewerBlocks: false, followsViewer: false });
      expect(await t.sql('SELECT 1 FROM blocks WHERE blocker_id = $1', [rowId(alice.id)])).toEqual(
        [],
      );
      expect(await view(bob, alice)).toMatchObject({ viewerFollows: false, followersCount: 0 });
      expect((await t.ok(POST, { id: postId }, bob.token)).post.id).toBe(postId);

      const before = await snapshot();
      await t.ok(UNBLOCK, { id: bob.id }, alice.token);
      expect(await snapshot()).toEqual(before);

      // Both may follow each other again.
      await follow(bob, alice);
      await follow(alice, bob);
      expect(await counts(alice)).toEqual({ followers: 1, following: 1 });
    });

    it('unblock fails with NOT_FOUND, BAD_USER_INPUT and UNAUTHENTICATED', async () => {
      const [alice, bob] = [await t.signUp(), await t.signUp()];
      await t.ok(BLOCK, { id: bob.id }, alice.token);
      await expectRejected(
        () => t.gql(UNBLOCK, { id: toGlobalId('User', '987654321') }, alice.token),
        'NOT_FOUND',
      );
      await expectRejected(() => t.gql(UNBLOCK, { id: 'nope' }, alice.token), 'BAD_USER_INPUT');
      await expectRejected(() => t.gql(UNBLOCK, { id: bob.id }), 'UNAUTHENTICATED');
      expect(await view(alice, bob)).toMatchObject({ viewerBlocks: true });
    });
  });

  describe('what a blocked account sees of the blocker: nothing, path by path', () => {
    const SEARCH = `query($q: String!) { searchUsers(query: $q, first: 100) { handle bio followersCount } }`;
    const MENTIONS = `query($id: ID!) { post(id: $id) { id mentions { handle } } }`;
    const NOTIFICATIONS = `{ notifications(first: 50) { edges { node { kind actor { handle } } } } }`;
    const searched = async (query: string, viewer?: TestUser) =>
      ((await t.ok(SEARCH, { q: query }, viewer?.token)).searchUsers as { handle: string }[]).map(
        (user) => user.handle,
      );

    let blocker: TestUser;
    let blocked: TestUser;
    let bystander: TestUser;
    beforeAll(async () => {
      [blocker, blocked, bystander] = [await t.signUp(), await t.signUp(), await t.signUp()];
      await t.ok(
        'mutation { updateProfile(input: { displayName: "Zed Blocker", bio: "private-ish" }) { id } }',
        {},
        blocker.token,
      );
      await follow(bystander, blocker);
    });

    it('searchUsers leaves the blocker out, by handle and by display name', async () => {
      expect(await searched(blocker.handle, blocked)).toEqual([blocker.handle]);
      await t.ok(BLOCK, { id: blocked.id }, blocker.token);
      expect(await searched(blocker.handle, blocked)).toEqual([]);
      expect(await searched('Zed Block', blocked)).toEqual([]);
      // Everyone else, signed in or not, and the blocker, still find whom they look for.
      expect(await searched(blocker.handle, bystander)).toEqual([blocker.handle]);
      expect(await searched('Zed Block')).toEqual([blocker.handle]);
      expect(await searched(blocked.handle, blocker)).toEqual([blocked.handle]);
    });

    it('followers and following lists leave the blocker out', async () => {
      const list = async (field: 'followers' | 'following', of: TestUser, viewer: TestUser) =>
        (
          (await t.ok(CONNECTION(field), { handle: of.handle, first: 100 }, viewer.token))['user'][
            field
          ].edges as { node: { handle: string } }[]
        ).map((edge) => edge.node.handle);
      expect(await list('following', bystander, blocked)).toEqual([]);
      expect(await list('following', bystander, bystander)).toEqual([blocker.handle]);
      await follow(blocker, bystander);
      expect(await list('followers', bystander, blocked)).toEqual([]);
      expect(await list('followers', bystander, bystander)).toEqual([blocker.handle]);
    });

    it('a post by someone else leaves the blocker out of its mentions', async () => {
      const id = await t.post(bystander, `hello @${blocker.handle} and @${blocked.handle}`);
      const seen = async (viewer: TestUser) =>
        ((await t.ok(MENTIONS, { id }, viewer.token)).post.mentions as { handle: string }[]).map(
          (user) => user.handle,
        );
      expect(await seen(blocked)).toEqual([blocked.handle]);
      expect((await seen(bystander)).sort()).toEqual([blocker.handle, blocked.handle].sort());
    });

    it('unfollow, mute, unmute and a no-op unblock answer NOT_FOUND, so they return no profile', async () => {
      const [hider, seeker] = [await t.signUp(), await t.signUp()];
      await t.ok(BLOCK, { id: seeker.id }, hider.token);
      for (const mutation of [UNFOLLOW, MUTE, UNMUTE, UNBLOCK]) {
        const result = await expectRejected(
          () => t.gql(mutation, { id: hider.id }, seeker.token),
          'NOT_FOUND',
        );
        expect(JSON.stringify(result)).not.toContain(hider.handle);
      }
      expect((await t.ok(MUTE, { id: seeker.id }, hider.token)).mute.viewerMutes).toBe(true);
    });

    it('notifications whose actor is the blocker are left out, even those from before', async () => {
      const [liker, liked] = [await t.signUp(), await t.signUp()];
      const id = await t.post(liked, 'liked before the block');
      await t.ok(LIKE, { id }, liker.token);
      const actors = async () =>
        (
          (await t.ok(NOTIFICATIONS, {}, liked.token)).notifications.edges as {
            node: { actor: { handle: string } };
          }[]
        ).map((edge) => edge.node.actor.handle);
      expect(await actors()).toEqual([liker.handle]);
      await t.ok(BLOCK, { id: liked.id }, liker.token);
      expect(await actors()).toEqual([]);
    });
  });

  describe('mute', () => {
    it('hides the muted account from the muter’s home only; unmute brings it back', async () => {
      const [muter, loud, other] = [await t.signUp(), await t.signUp(), await t.signUp()];
      await follow(muter, loud);
      await follow(other, loud);
      const own = await t.post(muter, 'the muter’s own post');
      const noise = await t.post(loud, 'some noise');

      expect(await home(muter)).toEqual([noise, own]);
      const muted = (await t.ok(MUTE, { id: loud.id }, muter.token)).mute;
      expect(muted).toMatchObject({ viewerMutes: true, viewerFollows: true, viewerBlocks: false });
      expect(await home(muter)).toEqual([own]);
      expect(await home(other)).toEqual([noise]);
      expect(await home(loud)).toEqual([noise]);

      // Muting is not blocking: the follow, the counts and the profile stay.
      expect(await counts(loud)).toEqual({ followers: 2, following: 0 });
      expect(await view(other, loud)).toMatchObject({ viewerMutes: false });
      expect(await view(loud, muter)).toMatchObject({ viewerMutes: false, followsViewer: true });
      expect((await t.ok(POST, { id: noise }, muter.token)).post.id).toBe(noise);

      // New posts stay hidden while muted.
      const more = await t.post(loud, 'more noise');
      expect(await home(muter)).toEqual([own]);
      expect(await home(other)).toEqual([more, noise]);

      // Muting twice changes nothing.
      const before = await snapshot();
      await t.ok(MUTE, { id: loud.id }, muter.token);
      expect(await snapshot()).toEqual(before);

      const unmuted = (await t.ok(UNMUTE, { id: loud.id }, muter.token)).unmute;
      expect(unmuted).toMatchObject({ viewerMutes: false, viewerFollows: true });
      expect(await home(muter)).toEqual([more, noise, own]);

      const after = await snapshot();
      await t.ok(UNMUTE, { id: loud.id }, muter.token);
      expect(await snapshot()).toEqual(after);
    });

    it('fails with BAD_USER_INPUT, NOT_FOUND and UNAUTHENTICATED as it should', async () => {
      const [me, other] = [await t.signUp(), await t.signUp()];
      await expectRejected(() => t.gql(MUTE, { id: me.id }, me.token), 'BAD_USER_INPUT');
      for (const mutation of [MUTE, UNMUTE]) {
        await expectRejected(
          () => t.gql(mutation, { id: toGlobalId('User', '987654321') }, me.token),
          'NOT_FOUND',
        );
        for (const id of await invalidUserIds()) {
          await expectRejected(() => t.gql(mutation, { id }, me.token), 'BAD_USER_INPUT');
        }
        await expectRejected(() => t.gql(mutation, { id: other.id }), 'UNAUTHENTICATED');
      }
      expect(await view(me, other)).toMatchObject({ viewerMutes: false });
    });
  });

  describe('under concurrency', () => {
    it('20 simultaneous follows of one account leave followersCount exactly 20', async () => {
      const star = await t.signUp();
      const fans: TestUser[] = [];
      for (let i = 0; i < 20; i++) fans.push(await t.signUp());
      const results = await Promise.all(
        fans.map((fan) => t.gql(FOLLOW, { id: star.id }, fan.token)),
      );
      expect(results.flatMap((result) => result.errors ?? [])).toEqual([]);
      expect(await counts(star)).toEqual({ followers: 20, following: 0 });
      expect(
        await t.sql('SELECT follower_id FROM follows WHERE followee_id = $1', [rowId(star.id)]),
      ).toHaveLength(20);
      for (const fan of fans) expect(await counts(fan)).toEqual({ followers: 0, following: 1 });
      expect((await view(undefined, star)).followersCount).toBe(20);
    });

    it('simultaneous duplicate and crossed follows keep counts exact', async () => {
      const [alice, bob] = [await t.signUp(), await t.signUp()];
      const results = await Promise.all([
        ...Array.from({ length: 5 }, () => t.gql(FOLLOW, { id: bob.id }, alice.token)),
        ...Array.from({ length: 5 }, () => t.gql(FOLLOW, { id: alice.id }, bob.token)),
      ]);
      expect(results.flatMap((result) => result.errors ?? [])).toEqual([]);
      expect(await counts(alice)).toEqual({ followers: 1, following: 1 });
      expect(await counts(bob)).toEqual({ followers: 1, following: 1 });
    });
  });
});
