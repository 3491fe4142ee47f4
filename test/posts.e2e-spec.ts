import { randomBytes } from 'node:crypto';
import { toGlobalId } from '@app/common';
import { errorCode, GraphQLResponse, TestApp, TestUser } from '@app/testing';

/**
 * Posts over HTTP against the real app and PostgreSQL: writing (text rules, hashtags, mentions,
 * replies), deleting, liking, and reading them back by id, node and thread.
 */

const POST_FIELDS = `id text createdAt hashtags likesCount repliesCount viewerHasLiked
  author { id handle postsCount } replyTo { id } mentions { id handle }`;

const CREATE = `mutation($text: String!, $replyToId: ID) {
  createPost(input: { text: $text, replyToId: $replyToId }) { ${POST_FIELDS} } }`;
const DELETE = `mutation($id: ID!) { deletePost(id: $id) }`;
const LIKE = `mutation($id: ID!) { likePost(id: $id) { id likesCount viewerHasLiked } }`;
const UNLIKE = `mutation($id: ID!) { unlikePost(id: $id) { id likesCount viewerHasLiked } }`;
const POST = `query($id: ID!) { post(id: $id) { ${POST_FIELDS} } }`;
const REPLIES = `query($id: ID!, $first: Int, $after: String) {
  post(id: $id) {
    repliesCount
    replies(first: $first, after: $after) {
      edges { cursor node { id text replyTo { id } } }
      pageInfo { hasNextPage hasPreviousPage endCursor }
    }
  }
}`;
const NODE = `query($id: ID!) { node(id: $id) { __typename id ... on Post { text author { handle } } } }`;
const BLOCK = `mutation($id: ID!) { block(userId: $id) { id } }`;
const HOME = `query { homeTimeline(first: 100) { edges { node { __typename ... on Post { id } } } } }`;

/** The database id inside a global id ("Post:12" -> "12"). */
function rowId(globalId: string): string {
  return Buffer.from(globalId, 'base64url').toString().split(':')[1];
}

const MISSING_POST = toGlobalId('Post', '987654321');

describe('posts (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.close());

  /** Every row the post mutations may touch, to prove a failed mutation changed nothing. */
  async function snapshot() {
    return {
      posts: await t.sql(
        `SELECT id, author_id, text, reply_to_id, hashtags, likes_count, replies_count
         FROM posts ORDER BY id`,
      ),
      likes: await t.sql('SELECT post_id, user_id FROM post_likes ORDER BY 1, 2'),
      mentions: await t.sql('SELECT post_id, user_id FROM post_mentions ORDER BY 1, 2'),
      hashtags: await t.sql('SELECT post_id, tag FROM post_hashtags ORDER BY 1, 2'),
      users: await t.sql('SELECT id, posts_count FROM users ORDER BY id'),
      timelines: await t.sql('SELECT owner_id, item_id FROM timeline_entries ORDER BY 1, 2'),
    };
  }

  /** Runs a request that must fail with `code` and leave every post table as it was. */
  async function expectRejected(
    run: () => Promise<GraphQLResponse>,
    code: string,
  ): Promise<GraphQLResponse> {
    const before = await snapshot();
    const result = await run();
    expect(result.errors).toHaveLength(1);
    expect(errorCode(result)).toBe(code);
    expect(result.errors?.[0].extensions?.stacktrace).toBeUndefined();
    expect(result.data ?? null).toBeNull();
    expect(await snapshot()).toEqual(before);
    return result;
  }

  const create = async (author: TestUser, text: string, replyToId?: string) =>
    (await t.ok(CREATE, { text, replyToId }, author.token)).createPost;
  const read = async (id: string, viewer?: TestUser) =>
    (await t.ok(POST, { id }, viewer?.token)).post;
  const home = async (viewer: TestUser): Promise<string[]> =>
    (await t.ok(HOME, {}, viewer.token)).homeTimeline.edges.map(
      (edge: { node: { id: string } }) => edge.node.id,
    );
  const postsCount = async (user: TestUser): Promise<number> =>
    (await t.sql('SELECT posts_count FROM users WHERE id = $1', [rowId(user.id)]))[0].posts_count;
  const postRow = async (id: string) =>
    (await t.sql('SELECT likes_count, replies_count FROM posts WHERE id = $1', [rowId(id)]))[0] as
      { likes_count: number; replies_count: number } | undefined;
  const likeRows = async (id: string) =>
    t.sql('SELECT user_id FROM post_likes WHERE post_id = $1', [rowId(id)]);

  describe('createPost', () => {
    it('stores the trimmed text, hashtags as written and mentions of existing users only', async () => {
      const suffix = randomBytes(3).toString('hex');
      const author = await t.signUp();
      const ana = await t.signUp(`Ana_${suffix}`);
      const bo = await t.signUp(`bo_${suffix}`);
      const text =
        `Watching #TheShow with @ana_${suffix.toUpperCase()}, @BO_${suffix} and ` +
        `@ghost_${suffix}! #theshow #Café @Ana_${suffix}`;

      const post = await create(author, `  \n${text}\t `);
      expect(post).toMatchObject({
        text,
        hashtags: ['TheShow', 'Café'],
        likesCount: 0,
        repliesCount: 0,
        viewerHasLiked: false,
        replyTo: null,
        author: { id: author.id, handle: author.handle, postsCount: 1 },
      });
      expect(new Date(post.createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
      expect(post.mentions.map((u: { id: string }) => u.id).sort()).toEqual([ana.id, bo.id].sort());
      expect(post.mentions.find((u: { id: string }) => u.id === ana.id).handle).toBe(ana.handle);

      expect(await postsCount(author)).toBe(1);
      const [row] = await t.sql('SELECT author_id, text, hashtags FROM posts WHERE id = $1', [
        rowId(post.id),
      ]);
      expect(row).toEqual({ author_id: rowId(author.id), text, hashtags: ['TheShow', 'Café'] });
      expect(
        await t.sql('SELECT tag FROM post_hashtags WHERE post_id = $1 ORDER BY tag', [
          rowId(post.id),
        ]),
      ).toEqual([{ tag: 'café' }, { tag: 'theshow' }]);
      expect(
        await t.sql('SELECT user_id FROM post_mentions WHERE post_id = $1 ORDER BY user_id', [
          rowId(post.id),
        ]),
      ).toEqual([{ user_id: rowId(ana.id) }, { user_id: rowId(bo.id) }]); // ana signed up first

      // It reads back the same way, and sits on top of the author's home timeline.
      expect(await read(post.id, ana)).toMatchObject({ text, hashtags: ['TheShow', 'Café'] });
      expect((await home(author))[0]).toBe(post.id);

      const second = await create(author, 'no tags, no mentions, just words');
      expect(second).toMatchObject({ hashtags: [], mentions: [] });
      expect(await postsCount(author)).toBe(2);
      expect(await home(author)).toEqual([second.id, post.id]);
    });

    it('reaches the followers’ home timelines', async () => {
      const [author, follower, stranger] = [await t.signUp(), await t.signUp(), await t.signUp()];
      await t.follow(follower, author);
      const post = await create(author, 'hello followers');
      expect(await home(follower)).toContain(post.id);
      expect(await home(stranger)).not.toContain(post.id);
    });

    it('is written in one round trip for the post and one for its timelines, whatever the followers', async () => {
      const [author, follower, other] = [await t.signUp(), await t.signUp(), await t.signUp()];
      const post = (text: string) => t.post(author, text);
      await post('warming up');
      // The statements of one post, by the author with one follower, then with two.
      t.queries.reset();
      await post('one follower');
      const alone = t.queries.statements.length;
      await t.follow(follower, author);
      t.queries.reset();
      const id = await post('for my follower');
      const statements = t.queries.statements.map((sql) => sql.trim().replace(/\s+/g, ' '));
      await t.follow(other, author);
      t.queries.reset();
      await post('for both followers');
      expect(t.queries.statements).toHaveLength(statements.length);
      expect(alone).toBe(statements.length);
      // The viewer's account, then the transaction: the post (with its hashtags, mentions and the
      // author's count), its timelines (with the fan-out limit check and the update log).
      expect(statements).toEqual([
        expect.stringMatching(/^SELECT .* FROM users/),
        'START TRANSACTION',
        expect.stringMatching(
          /^WITH p AS \( INSERT INTO posts .*post_hashtags.*post_mentions.*UPDATE users/,
        ),
        expect.stringMatching(
          /^WITH author AS .*INSERT INTO timeline_entries .*INSERT INTO timeline_updates/,
        ),
        'COMMIT',
      ]);
      expect(await home(follower)).toContain(id);
      expect(await postsCount(author)).toBe(4);

      // Deleting it: the post with the author's count, then its timelines with the update log.
      t.queries.reset();
      await t.ok(DELETE, { id }, author.token);
      const writes = t.queries.statements
        .map((sql) => sql.trim().replace(/\s+/g, ' '))
        .slice(t.queries.statements.indexOf('START TRANSACTION'));
      expect(writes).toEqual([
        'START TRANSACTION',
        expect.stringMatching(/^WITH p AS \( ?DELETE FROM posts .*UPDATE users/),
        expect.stringMatching(
          /^WITH gone AS \( ?DELETE FROM timeline_entries .*INSERT INTO timeline_updates/,
        ),
        'COMMIT',
      ]);
      expect(await home(follower)).not.toContain(id);
      expect(await postsCount(author)).toBe(3);
    });

    it.each([
      ['empty', ''],
      ['whitespace only', '   \n\t  '],
      ['281 characters', 'a'.repeat(281)],
      ['281 emoji', '😀'.repeat(281)],
      ['281 characters inside spaces', `  ${'b'.repeat(281)}  `],
    ])('refuses %s text (BAD_USER_INPUT) and stores nothing', async (_name, text) => {
      const author = await t.signUp();
      const result = await expectRejected(
        () => t.gql(CREATE, { text }, author.token),
        'BAD_USER_INPUT',
      );
      expect(result.errors?.[0].message).toMatch(/^text: /);
      expect(await postsCount(author)).toBe(0);
    });

    it('counts Unicode code points: 280 of them are fine, even as UTF-16 pairs', async () => {
      const author = await t.signUp();
      const emoji = await create(author, '😀'.repeat(280));
      expect(emoji.text).toBe('😀'.repeat(280));
      expect([...emoji.text]).toHaveLength(280);
      const ascii = await create(author, `   ${'a'.repeat(280)}   `);
      expect(ascii.text).toBe('a'.repeat(280));
      const single = await create(author, 'x');
      expect(single.text).toBe('x');
      expect(await postsCount(author)).toBe(3);
    });

    it('answers BAD_USER_INPUT, not an internal error, for text PostgreSQL cannot store', async () => {
      const author = await t.signUp();
      await expectRejected(
        () => t.gql(CREATE, { text: 'before\u0000after' }, author.token),
        'BAD_USER_INPUT',
      );
      expect(await postsCount(author)).toBe(0);
    });

    it('stores a hashtag whose lower-case form is longer than the text as written', async () => {
      const author = await t.signUp();
      // 'İ' (U+0130) lower-cases to two code points: 100 of them make a 200-character key.
      const post = await create(author, `#${'İ'.repeat(100)}`);
      expect(post.hashtags).toEqual(['İ'.repeat(100)]);
      const tags = await t.sql<{ tag: string }>(
        'SELECT tag FROM post_hashtags WHERE post_id = $1',
        [rowId(post.id)],
      );
      expect(tags).toHaveLength(1);
    });

    it('requires a signed-in viewer (UNAUTHENTICATED)', async () => {
      await expectRejected(() => t.gql(CREATE, { text: 'anonymous' }), 'UNAUTHENTICATED');
      await expectRejected(
        () => t.gql(CREATE, { text: 'forged' }, 'forged.token.value'),
        'UNAUTHENTICATED',
      );
    });

    it('does not store a mention of a user who blocks the author', async () => {
      const [author, blocker, friend] = [await t.signUp(), await t.signUp(), await t.signUp()];
      await t.ok(BLOCK, { id: author.id }, blocker.token);
      const post = await create(author, `hey @${blocker.handle} and @${friend.handle}`);
      expect(post.mentions.map((u: { id: string }) => u.id)).toEqual([friend.id]);
      expect(
        await t.sql('SELECT user_id FROM post_mentions WHERE post_id = $1', [rowId(post.id)]),
      ).toEqual([{ user_id: rowId(friend.id) }]);
    });
  });

  it('does not show, to a viewer, mentioned users who block that viewer', async () => {
    const [author, blocker, friend, viewer] = [
      await t.signUp(),
      await t.signUp(),
      await t.signUp(),
      await t.signUp(),
    ];
    const post = await create(author, `thanks @${blocker.handle} and @${friend.handle}`);
    expect(post.mentions).toHaveLength(2);
    await t.ok(BLOCK, { id: viewer.id }, blocker.token);
    const seen = await read(post.id, viewer);
    expect(seen.mentions.map((u: { id: string }) => u.id)).toEqual([friend.id]);
    expect((await read(post.id, friend)).mentions).toHaveLength(2);
    expect((await read(post.id)).mentions).toHaveLength(2);
  });

  describe('replies', () => {
    it('links the reply, counts it, and lists replies oldest first', async () => {
      const [author, first, second] = [await t.signUp(), await t.signUp(), await t.signUp()];
      const root = await create(author, 'what do you think?');
      const a = await create(first, 'first reply', root.id);
      expect(a.replyTo).toEqual({ id: root.id });
      expect(await postRow(root.id)).toMatchObject({ replies_count: 1 });
      const b = await create(second, 'second reply', root.id);
      const c = await create(author, 'the author answers', root.id);
      expect(await postRow(root.id)).toMatchObject({ replies_count: 3 });
      expect(await postsCount(author)).toBe(2);

      const thread = (await t.ok(REPLIES, { id: root.id })).post;
      expect(thread.repliesCount).toBe(3);
      expect(thread.replies.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([
        a.id,
        b.id,
        c.id,
      ]);
      expect(thread.replies.edges[0].node.replyTo).toEqual({ id: root.id });

      // Pages: two, then one, without repeats.
      const page1 = (await t.ok(REPLIES, { id: root.id, first: 2 })).post.replies;
      expect(page1.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([a.id, b.id]);
      expect(page1.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
      const page2 = (
        await t.ok(REPLIES, { id: root.id, first: 2, after: page1.pageInfo.endCursor })
      ).post.replies;
      expect(page2.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([c.id]);
      expect(page2.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });

      // A reply to a reply counts on its own parent only.
      const nested = await create(author, 'nested', a.id);
      expect(nested.replyTo).toEqual({ id: a.id });
      expect(await postRow(a.id)).toMatchObject({ replies_count: 1 });
      expect(await postRow(root.id)).toMatchObject({ replies_count: 3 });
    });

    it('refuses bad first/after on replies (BAD_USER_INPUT)', async () => {
      const author = await t.signUp();
      const root = await create(author, 'a root');
      for (const first of [0, -1, 101]) {
        expect(errorCode(await t.gql(REPLIES, { id: root.id, first }))).toBe('BAD_USER_INPUT');
      }
      expect(errorCode(await t.gql(REPLIES, { id: root.id, after: 'garbage!' }))).toBe(
        'BAD_USER_INPUT',
      );
    });

    it('answers NOT_FOUND for a missing or deleted parent', async () => {
      const author = await t.signUp();
      await expectRejected(
        () => t.gql(CREATE, { text: 'to nowhere', replyToId: MISSING_POST }, author.token),
        'NOT_FOUND',
      );
      const doomed = await create(author, 'about to go');
      await t.ok(DELETE, { id: doomed.id }, author.token);
      await expectRejected(
        () => t.gql(CREATE, { text: 'too late', replyToId: doomed.id }, author.token),
        'NOT_FOUND',
      );
      expect(await postsCount(author)).toBe(0);
    });

    it('answers BAD_USER_INPUT for a replyToId that is not a Post id', async () => {
      const author = await t.signUp();
      for (const replyToId of [
        author.id,
        toGlobalId('User', rowId(author.id)),
        'garbage',
        Buffer.from('Post:abc').toString('base64url'),
      ]) {
        const result = await expectRejected(
          () => t.gql(CREATE, { text: 'reply to what?', replyToId }, author.token),
          'BAD_USER_INPUT',
        );
        expect(result.errors?.[0].message).toMatch(/replyToId/);
      }
    });

    it('keeps repliesCount exact under concurrent replies', async () => {
      const author = await t.signUp();
      const root = await create(author, 'reply all at once');
      const repliers: TestUser[] = [];
      for (let i = 0; i < 10; i++) repliers.push(await t.signUp());
      const results = await Promise.all(
        repliers.map((r) => t.gql(CREATE, { text: 'me too', replyToId: root.id }, r.token)),
      );
      expect(results.flatMap((r) => r.errors ?? [])).toEqual([]);
      expect(await postRow(root.id)).toMatchObject({ replies_count: 10 });
      expect((await read(root.id)).repliesCount).toBe(10);
    });
  });

  describe('deletePost', () => {
    it('lets the author delete: the post is gone everywhere and counts go back', async () => {
      const [author, follower, liker] = [await t.signUp(), await t.signUp(), await t.signUp()];
      await t.follow(follower, author);
      const root = await create(author, 'root stays');
      const post = await create(author, `bye #gone @${liker.handle}`, root.id);
      await t.ok(LIKE, { id: post.id }, liker.token);
      expect(await home(follower)).toContain(post.id);
      expect(await postsCount(author)).toBe(2);
      expect(await postRow(root.id)).toMatchObject({ replies_count: 1 });

      expect((await t.ok(DELETE, { id: post.id }, author.token)).deletePost).toBe(true);

      const gone = await t.gql(POST, { id: post.id }, author.token);
      expect(errorCode(gone)).toBe('NOT_FOUND');
      expect((await t.ok(NODE, { id: post.id })).node).toBeNull();
      expect(await postRow(post.id)).toBeUndefined();
      expect(await likeRows(post.id)).toEqual([]);
      expect(
        await t.sql('SELECT 1 FROM post_mentions WHERE post_id = $1', [rowId(post.id)]),
      ).toEqual([]);
      expect(
        await t.sql('SELECT 1 FROM post_hashtags WHERE post_id = $1', [rowId(post.id)]),
      ).toEqual([]);
      expect(
        await t.sql('SELECT 1 FROM timeline_entries WHERE item_id = $1', [rowId(post.id)]),
      ).toEqual([]);
      expect(await home(follower)).not.toContain(post.id);
      expect(await home(author)).toEqual([root.id]);
      expect(await postsCount(author)).toBe(1);
      expect(await postRow(root.id)).toMatchObject({ replies_count: 0 });
      expect((await t.ok(REPLIES, { id: root.id })).post.replies.edges).toEqual([]);

      // Deleting it again: NOT_FOUND, nothing changes.
      await expectRejected(() => t.gql(DELETE, { id: post.id }, author.token), 'NOT_FOUND');
    });

    it('keeps the replies of a deleted post, without their parent', async () => {
      const [author, replier] = [await t.signUp(), await t.signUp()];
      const root = await create(author, 'the root goes');
      const reply = await create(replier, 'the reply stays', root.id);
      await t.ok(DELETE, { id: root.id }, author.token);
      expect(await read(reply.id)).toMatchObject({ text: 'the reply stays', replyTo: null });
      expect(await postsCount(replier)).toBe(1);
    });

    it('refuses anyone else (FORBIDDEN) and changes nothing', async () => {
      const [author, other, follower] = [await t.signUp(), await t.signUp(), await t.signUp()];
      await t.follow(follower, author);
      const post = await create(author, 'mine, not yours');
      const result = await expectRejected(
        () => t.gql(DELETE, { id: post.id }, other.token),
        'FORBIDDEN',
      );
      expect(result.errors?.[0].message).toMatch(/author or an admin/);
      expect((await read(post.id, other)).text).toBe('mine, not yours');
      expect(await home(follower)).toContain(post.id);
      expect(await postsCount(author)).toBe(1);
    });

    it('lets an admin delete anyone’s post', async () => {
      const [author, admin, follower] = [await t.signUp(), await t.signUp(), await t.signUp()];
      await t.sql("UPDATE users SET role = 'ADMIN' WHERE handle = $1", [admin.handle]);
      await t.follow(follower, author);
      const post = await create(author, 'moderated away');
      expect((await t.ok(DELETE, { id: post.id }, admin.token)).deletePost).toBe(true);
      expect(await postRow(post.id)).toBeUndefined();
      expect(await home(follower)).not.toContain(post.id);
      expect(await postsCount(author)).toBe(0);
      expect(await postsCount(admin)).toBe(0);
    });

    it('lets an admin delete the post of an author who blocks the admin', async () => {
      const [author, admin] = [await t.signUp(), await t.signUp()];
      await t.sql("UPDATE users SET role = 'ADMIN' WHERE handle = $1", [admin.handle]);
      const post = await create(author, 'blocking the moderators will not help');
      await t.ok(BLOCK, { id: admin.id }, author.token);
      expect(errorCode(await t.gql(POST, { id: post.id }, admin.token))).toBe('NOT_FOUND');
      expect((await t.ok(DELETE, { id: post.id }, admin.token)).deletePost).toBe(true);
      expect(await postRow(post.id)).toBeUndefined();
      expect(await postsCount(author)).toBe(0);
      await expectRejected(() => t.gql(DELETE, { id: post.id }, admin.token), 'NOT_FOUND');
    });

    it('answers NOT_FOUND, BAD_USER_INPUT and UNAUTHENTICATED as it should', async () => {
      const author = await t.signUp();
      const post = await create(author, 'still here');
      await expectRejected(() => t.gql(DELETE, { id: MISSING_POST }, author.token), 'NOT_FOUND');
      for (const id of ['garbage', '', author.id, Buffer.from('Post:0').toString('base64url')]) {
        await expectRejected(() => t.gql(DELETE, { id }, author.token), 'BAD_USER_INPUT');
      }
      await expectRejected(() => t.gql(DELETE, { id: post.id }), 'UNAUTHENTICATED');
      expect((await read(post.id)).text).toBe('still here');
    });
  });

  describe('likes', () => {
    it('like and unlike are idempotent with exact counts and viewerHasLiked', async () => {
      const [author, fan, other] = [await t.signUp(), await t.signUp(), await t.signUp()];
      const post = await create(author, 'like me');

      const liked = (await t.ok(LIKE, { id: post.id }, fan.token)).likePost;
      expect(liked).toEqual({ id: post.id, likesCount: 1, viewerHasLiked: true });
      const again = (await t.ok(LIKE, { id: post.id }, fan.token)).likePost;
      expect(again).toEqual({ id: post.id, likesCount: 1, viewerHasLiked: true });
      expect(await likeRows(post.id)).toEqual([{ user_id: rowId(fan.id) }]);

      expect(await read(post.id, fan)).toMatchObject({ likesCount: 1, viewerHasLiked: true });
      expect(await read(post.id, other)).toMatchObject({ likesCount: 1, viewerHasLiked: false });
      expect(await read(post.id)).toMatchObject({ likesCount: 1, viewerHasLiked: false });

      // Unliking what you never liked changes nothing.
      const before = await snapshot();
      const never = (await t.ok(UNLIKE, { id: post.id }, other.token)).unlikePost;
      expect(never).toEqual({ id: post.id, likesCount: 1, viewerHasLiked: false });
      expect(await snapshot()).toEqual(before);

      const unliked = (await t.ok(UNLIKE, { id: post.id }, fan.token)).unlikePost;
      expect(unliked).toEqual({ id: post.id, likesCount: 0, viewerHasLiked: false });
      const twice = (await t.ok(UNLIKE, { id: post.id }, fan.token)).unlikePost;
      expect(twice).toEqual({ id: post.id, likesCount: 0, viewerHasLiked: false });
      expect(await likeRows(post.id)).toEqual([]);
      expect(await postRow(post.id)).toMatchObject({ likes_count: 0 });

      // The author may like their own post too.
      const own = (await t.ok(LIKE, { id: post.id }, author.token)).likePost;
      expect(own).toEqual({ id: post.id, likesCount: 1, viewerHasLiked: true });
    });

    it('25 simultaneous likes by 25 users count exactly 25', async () => {
      const author = await t.signUp();
      const post = await create(author, 'a popular post');
      const fans: TestUser[] = [];
      for (let i = 0; i < 25; i++) fans.push(await t.signUp());

      const results = await Promise.all(fans.map((f) => t.gql(LIKE, { id: post.id }, f.token)));
      expect(results.flatMap((r) => r.errors ?? [])).toEqual([]);
      expect(results.every((r) => r.data.likePost.viewerHasLiked)).toBe(true);
      expect(await postRow(post.id)).toMatchObject({ likes_count: 25 });
      expect(await likeRows(post.id)).toHaveLength(25);
      expect((await read(post.id)).likesCount).toBe(25);

      // The same user liking many times at once still counts once; all unlikes at once: zero.
      const dupes = await Promise.all(
        Array.from({ length: 10 }, () => t.gql(LIKE, { id: post.id }, author.token)),
      );
      expect(dupes.flatMap((r) => r.errors ?? [])).toEqual([]);
      expect(await postRow(post.id)).toMatchObject({ likes_count: 26 });
      const unlikes = await Promise.all(
        [...fans, author].map((f) => t.gql(UNLIKE, { id: post.id }, f.token)),
      );
      expect(unlikes.flatMap((r) => r.errors ?? [])).toEqual([]);
      expect(await postRow(post.id)).toMatchObject({ likes_count: 0 });
      expect(await likeRows(post.id)).toEqual([]);
    });

    it('answers NOT_FOUND, BAD_USER_INPUT and UNAUTHENTICATED as it should', async () => {
      const [author, fan] = [await t.signUp(), await t.signUp()];
      const post = await create(author, 'not liked by failures');
      await t.ok(LIKE, { id: post.id }, fan.token);
      for (const mutation of [LIKE, UNLIKE]) {
        await expectRejected(() => t.gql(mutation, { id: MISSING_POST }, fan.token), 'NOT_FOUND');
        for (const id of ['garbage', author.id, Buffer.from('Post:x1').toString('base64url')]) {
          await expectRejected(() => t.gql(mutation, { id }, fan.token), 'BAD_USER_INPUT');
        }
        await expectRejected(() => t.gql(mutation, { id: post.id }), 'UNAUTHENTICATED');
      }
      const deleted = await create(author, 'deleted before the like');
      await t.ok(DELETE, { id: deleted.id }, author.token);
      await expectRejected(() => t.gql(LIKE, { id: deleted.id }, fan.token), 'NOT_FOUND');
      expect(await read(post.id, fan)).toMatchObject({ likesCount: 1, viewerHasLiked: true });
    });
  });

  describe('reading', () => {
    it('post(id) answers BAD_USER_INPUT for malformed ids and NOT_FOUND for missing ones', async () => {
      const user = await t.signUp();
      for (const id of [
        'garbage',
        '',
        user.id,
        'UG9zdDox!',
        Buffer.from('Post:').toString('base64url'),
      ]) {
        const result = await t.gql(POST, { id });
        expect({ id, code: errorCode(result) }).toEqual({ id, code: 'BAD_USER_INPUT' });
        expect(result.data?.post ?? null).toBeNull();
      }
      const missing = await t.gql(POST, { id: MISSING_POST }, user.token);
      expect(errorCode(missing)).toBe('NOT_FOUND');
    });

    it('node(id) resolves a Post', async () => {
      const author = await t.signUp();
      const post = await create(author, 'reachable by node');
      const node = (await t.ok(NODE, { id: post.id })).node;
      expect(node).toEqual({
        __typename: 'Post',
        id: post.id,
        text: 'reachable by node',
        author: { handle: author.handle },
      });
      expect((await t.ok(NODE, { id: MISSING_POST })).node).toBeNull();
      expect(errorCode(await t.gql(NODE, { id: 'garbage' }))).toBe('BAD_USER_INPUT');
    });
  });
});
