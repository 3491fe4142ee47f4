import { randomBytes } from 'node:crypto';
import { AuthService } from '@app/accounts';
import { RequestLoaders, Role, Viewer } from '@app/common';
import { BlockService, FollowService } from '@app/graph';
import { PostsService } from '@app/posts';
import { TestApp } from '@app/testing';
import { TimelineService } from '@app/timeline';

/**
 * Fan-out on write on the real modules and PostgreSQL, without HTTP: which home timelines and
 * update logs a post reaches (followers, reply rule, accounts above the fan-out limit pulled at
 * read time), and what follows, mutes, blocks and deletions take out again.
 */
describe('timeline fan-out (PostgreSQL)', () => {
  let t: TestApp;
  let posts: PostsService;
  let timelines: TimelineService;
  let count = 0;

  beforeAll(async () => {
    // Above two followers an account's items are written once and pulled by its followers.
    t = await TestApp.start({ FANOUT_MAX_FOLLOWERS: '2', TIMELINE_BACKFILL_PER_FOLLOW: '0' });
    posts = t.app.get(PostsService);
    timelines = t.app.get(TimelineService);
  });
  afterAll(() => t.close());

  async function member(): Promise<Viewer> {
    count += 1;
    const handle = `f${count}_${randomBytes(3).toString('hex')}`;
    const { user } = await t.app
      .get(AuthService)
      .signUp({ handle, email: `${handle}@example.com`, password: 'correct horse battery' }, '::1');
    return { id: user.id, role: Role.MEMBER };
  }

  /** `count` new members, one after the other. */
  async function members(count: number): Promise<Viewer[]> {
    const made: Viewer[] = [];
    for (let i = 0; i < count; i++) made.push(await member());
    return made;
  }

  const follow = (viewer: Viewer, user: Viewer) =>
    t.app.get(FollowService).follow(viewer, user.id, undefined);

  const post = (author: Viewer, text: string, replyToId?: string) =>
    posts.create(author, { text, replyToId }, new RequestLoaders(author.id));

  async function owners(itemId: string): Promise<string[]> {
    const rows = await t.sql<{ owner_id: string }>(
      'SELECT owner_id FROM timeline_entries WHERE item_id = $1 ORDER BY owner_id',
      [itemId],
    );
    return rows.map((row) => row.owner_id);
  }

  async function logged(itemId: string): Promise<{ owner_id: string | null; kind: string }[]> {
    return t.sql('SELECT owner_id, kind FROM timeline_updates WHERE item_id = $1 ORDER BY id', [
      itemId,
    ]);
  }

  async function home(viewer: Viewer): Promise<string[]> {
    const { page } = await timelines.home(viewer.id, { first: 50 }, new RequestLoaders(viewer.id));
    return page.edges.map((edge) => edge.node.itemId);
  }

  const sorted = (ids: string[]) => [...ids].sort((a, b) => Number(a) - Number(b));

  it('writes a post into the author’s and each follower’s timeline and log, in its transaction', async () => {
    const [author, a, b, stranger] = await members(4);
    await follow(a, author);
    await follow(b, author);

    const created = await post(author, 'to my followers');

    expect(await owners(created.id)).toEqual(sorted([author.id, a.id, b.id]));
    expect(await logged(created.id)).toEqual(
      expect.arrayContaining(
        [author.id, a.id, b.id].map((owner) => ({ owner_id: owner, kind: 'ADDED' })),
      ),
    );
    expect(await home(a)).toContain(created.id);
    expect(await home(stranger)).not.toContain(created.id);
  });

  it('gives a reply only to followers who also follow the account replied to', async () => {
    const [author, other, both, onlyAuthor] = await members(4);
    await follow(both, author);
    await follow(both, other);
    await follow(onlyAuthor, author);
    const parent = await post(other, 'a question');

    const reply = await post(author, 'an answer', parent.id);

    expect(await owners(reply.id)).toEqual(sorted([author.id, both.id]));
  });

  it('writes the items of an account above the limit once, and merges them into its followers’ homes', async () => {
    const [big, a, b, c] = await members(4);
    for (const follower of [a, b, c]) await follow(follower, big);

    const created = await post(big, 'to many');

    expect(await owners(created.id)).toEqual([big.id]);
    expect(
      await t.sql('SELECT author_id FROM timeline_pulled_items WHERE item_id = $1', [created.id]),
    ).toEqual([{ author_id: big.id }]);
    expect(await logged(created.id)).toEqual([
      { owner_id: big.id, kind: 'ADDED' },
      { owner_id: null, kind: 'ADDED' },
    ]);
    for (const follower of [a, b, c]) expect(await home(follower)).toContain(created.id);
  });

  it('leaves muted authors out of the home read, and unfollows and blocks out of the rows', async () => {
    const [author, muted, muter, unfollower, blocker] = await members(5);
    await follow(unfollower, author);
    await follow(blocker, author);
    await follow(muter, muted);
    const created = await post(author, 'soon hidden');
    const mutedPost = await post(muted, 'soon muted');
    expect(await owners(created.id)).toEqual(sorted([author.id, unfollower.id, blocker.id]));

    await t.app.get(BlockService).mute(muter, muted.id);
    await t.app.get(FollowService).unfollow(unfollower, author.id);
    await t.app.get(BlockService).block(blocker, author.id);

    // The unfollow and the block removed the rows, with REMOVED logged; the mute filters the read.
    expect(await owners(created.id)).toEqual([author.id]);
    expect(await logged(created.id)).toEqual(
      expect.arrayContaining([
        { owner_id: unfollower.id, kind: 'REMOVED' },
        { owner_id: blocker.id, kind: 'REMOVED' },
      ]),
    );
    expect(await owners(mutedPost.id)).toEqual(sorted([muted.id, muter.id]));
    expect(await home(muter)).not.toContain(mutedPost.id);
    expect(await home(muted)).toContain(mutedPost.id);
  });

  it('takes a deleted post out of every timeline and the pulled items, with REMOVED logged', async () => {
    const [big, a, b, c] = await members(4);
    for (const follower of [a, b, c]) await follow(follower, big);
    const created = await post(big, 'going away');
    const [small, d] = await members(2);
    await follow(d, small);
    const fanned = await post(small, 'also going away');

    await posts.delete(big, created.id, new RequestLoaders(big.id));
    await posts.delete(small, fanned.id, new RequestLoaders(small.id));

    expect(await owners(created.id)).toEqual([]);
    expect(
      await t.sql('SELECT 1 FROM timeline_pulled_items WHERE item_id = $1', [created.id]),
    ).toEqual([]);
    expect(await home(a)).not.toContain(created.id);
    expect((await logged(created.id)).slice(2)).toEqual(
      expect.arrayContaining([
        { owner_id: big.id, kind: 'REMOVED' },
        { owner_id: null, kind: 'REMOVED' },
      ]),
    );
    expect(await logged(created.id)).toHaveLength(4);
    expect(await owners(fanned.id)).toEqual([]);
    expect((await logged(fanned.id)).filter((row) => row.kind === 'REMOVED')).toEqual(
      expect.arrayContaining([
        { owner_id: small.id, kind: 'REMOVED' },
        { owner_id: d.id, kind: 'REMOVED' },
      ]),
    );
    expect(await logged(fanned.id)).toHaveLength(4);
  });

  it('pages the home timeline by keyset, newest first', async () => {
    const [author, reader] = await members(2);
    await follow(reader, author);
    const ids: string[] = [];
    for (const text of ['first', 'second', 'third']) ids.push((await post(author, text)).id);

    const { page } = await timelines.home(reader.id, { first: 2 }, new RequestLoaders(reader.id));
    expect(page.edges.map((edge) => edge.node.itemId)).toEqual([ids[2], ids[1]]);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const { page: next } = await timelines.home(
      reader.id,
      { first: 2, after: page.pageInfo.endCursor! },
      new RequestLoaders(reader.id),
    );
    expect(next.edges.map((edge) => edge.node.itemId)).toEqual([ids[0]]);
    expect(next.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('walks a home of fanned and pulled items in order at every page size, across its size classes', async () => {
    const [big, small, reader, other, third] = await members(5);
    for (const follower of [reader, other, third]) await follow(follower, big);
    await follow(reader, small);
    // More items than the largest page, from both sources, in runs of 30 from one source: a
    // page inside a run holds only that source's items.
    const newestFirst: string[] = [];
    for (let i = 0; i < 105; i++) {
      newestFirst.unshift((await post(Math.floor(i / 30) % 2 ? big : small, `item ${i}`)).id);
    }
    for (const first of [1, 10, 11, 12, 20, 21, 22, 50, 51, 52, 100]) {
      const seen: string[] = [];
      let after: string | undefined;
      for (;;) {
        const { page } = await timelines.home(
          reader.id,
          { first, after },
          new RequestLoaders(reader.id),
        );
        seen.push(...page.edges.map((edge) => edge.node.itemId));
        if (!page.pageInfo.hasNextPage) break;
        expect(page.edges).toHaveLength(first);
        after = page.pageInfo.endCursor!;
      }
      expect({ first, seen }).toEqual({ first, seen: newestFirst });
    }
  });
});
