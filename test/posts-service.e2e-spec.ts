import { randomBytes } from 'node:crypto';
import { AuthService } from '@app/accounts';
import { RequestLoaders, Role, Viewer } from '@app/common';
import { BlockService, FollowService } from '@app/graph';
import { PostsService } from '@app/posts';
import { TestApp } from '@app/testing';

/**
 * PostsService on the real modules and PostgreSQL, without HTTP: what writing, deleting and
 * liking a post stores, the counters it keeps, and the replies page.
 */
describe('PostsService (PostgreSQL)', () => {
  let t: TestApp;
  let posts: PostsService;
  let count = 0;

  beforeAll(async () => {
    t = await TestApp.start();
    posts = t.app.get(PostsService);
  });
  afterAll(() => t.close());

  async function member(): Promise<Viewer> {
    count += 1;
    const handle = `p${count}_${randomBytes(3).toString('hex')}`;
    const { user } = await t.app
      .get(AuthService)
      .signUp({ handle, email: `${handle}@example.com`, password: 'correct horse battery' }, '::1');
    return { id: user.id, role: Role.MEMBER };
  }

  const loaders = (viewer?: Viewer) => new RequestLoaders(viewer?.id);

  async function handleOf(viewer: Viewer): Promise<string> {
    const [row] = await t.sql<{ handle: string }>('SELECT handle FROM users WHERE id = $1', [
      viewer.id,
    ]);
    return row.handle;
  }

  async function counts(table: 'users' | 'posts', id: string) {
    const [row] = await t.sql(
      table === 'users'
        ? 'SELECT posts_count FROM users WHERE id = $1'
        : 'SELECT likes_count, replies_count FROM posts WHERE id = $1',
      [id],
    );
    return row as Record<string, number>;
  }

  it('stores a post with its hashtag index and the mentions of visible accounts, and counts it', async () => {
    const [author, mentioned, blocker] = [await member(), await member(), await member()];
    await t.app.get(BlockService).block(blocker, author.id);
    const text = `#News for @${await handleOf(mentioned)} @${await handleOf(blocker)} @nobody_here #tv`;

    const post = await posts.create(author, { text }, loaders(author));

    expect(post).toMatchObject({ authorId: author.id, text, hashtags: ['News', 'tv'] });
    expect(
      await t.sql('SELECT tag FROM post_hashtags WHERE post_id = $1 ORDER BY tag', [post.id]),
    ).toEqual([{ tag: 'news' }, { tag: 'tv' }]);
    // The blocker is not mentioned: it blocks the author. An unknown handle is no one.
    expect(await t.sql('SELECT user_id FROM post_mentions WHERE post_id = $1', [post.id])).toEqual([
      { user_id: mentioned.id },
    ]);
    expect(await counts('users', author.id)).toEqual({ posts_count: 1 });
  });

  it('counts replies and likes exactly, once per like, and takes them back on delete and unlike', async () => {
    const [author, replier] = [await member(), await member()];
    const parent = await posts.create(author, { text: 'parent' }, loaders(author));
    const reply = await posts.create(
      replier,
      { text: 'reply', replyToId: parent.id },
      loaders(replier),
    );
    await posts.like(replier, parent.id, loaders(replier));
    await posts.like(replier, parent.id, loaders(replier));
    expect(await counts('posts', parent.id)).toEqual({ likes_count: 1, replies_count: 1 });

    await posts.unlike(replier, parent.id, loaders(replier));
    await posts.unlike(replier, parent.id, loaders(replier));
    await posts.delete(replier, reply.id, loaders(replier));
    expect(await counts('posts', parent.id)).toEqual({ likes_count: 0, replies_count: 0 });
    expect(await counts('users', replier.id)).toEqual({ posts_count: 0 });
  });

  it('lets only the author or an admin delete, and refuses a reply to a hidden post, changing nothing', async () => {
    const [author, other, blocked] = [await member(), await member(), await member()];
    const post = await posts.create(author, { text: 'mine' }, loaders(author));
    await t.app.get(BlockService).block(author, blocked.id);

    await expect(posts.delete(other, post.id, loaders(other))).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(
      posts.create(blocked, { text: 'hi', replyToId: post.id }, loaders(blocked)),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await counts('posts', post.id)).toEqual({ likes_count: 0, replies_count: 0 });
    expect(await counts('users', blocked.id)).toEqual({ posts_count: 0 });

    await posts.delete({ id: other.id, role: Role.ADMIN }, post.id, loaders(other));
    expect(await t.sql('SELECT 1 FROM posts WHERE id = $1', [post.id])).toEqual([]);
    expect(await counts('users', author.id)).toEqual({ posts_count: 0 });
  });

  it('pages replies oldest first and leaves out authors who block the viewer', async () => {
    const [author, viewer, blocker] = [await member(), await member(), await member()];
    const parent = await posts.create(author, { text: 'thread' }, loaders(author));
    const texts = ['one', 'two', 'hidden', 'three'];
    for (const text of texts) {
      const writer = text === 'hidden' ? blocker : author;
      await posts.create(writer, { text, replyToId: parent.id }, loaders(writer));
    }
    await t.app.get(BlockService).block(blocker, viewer.id);

    const first = await posts.replies(parent.id, viewer.id, { first: 2 });
    expect(first.edges.map((edge) => edge.node.text)).toEqual(['one', 'two']);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const rest = await posts.replies(parent.id, viewer.id, {
      first: 2,
      after: first.pageInfo.endCursor!,
    });
    expect(rest.edges.map((edge) => edge.node.text)).toEqual(['three']);
    expect(rest.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    // Signed out, nobody blocks the viewer.
    const all = await posts.replies(parent.id, undefined, { first: 10 });
    expect(all.edges).toHaveLength(4);
  });

  it('finds a post only for viewers who may see it', async () => {
    const [author, stranger, blocked] = [await member(), await member(), await member()];
    const post = await posts.create(author, { text: 'visible?' }, loaders(author));
    await t.app.get(BlockService).block(author, blocked.id);
    await t.app.get(FollowService).follow(stranger, author.id, undefined);

    expect(await posts.findVisible(loaders(stranger), post.id, stranger.id)).toMatchObject({
      id: post.id,
    });
    expect(await posts.findVisible(loaders(), post.id, undefined)).toMatchObject({ id: post.id });
    expect(await posts.findVisible(loaders(blocked), post.id, blocked.id)).toBeUndefined();
    await expect(posts.getVisible(loaders(blocked), post.id, blocked.id)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
