import { errorCode, TestApp, TestUser } from '@app/testing';

const HOME = `query($first: Int, $after: String) {
  homeTimeline(first: $first, after: $after) {
    edges { cursor node { __typename ... on Post { id text author { handle } } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

interface HomePage {
  edges: { cursor: string; node: { id: string; text: string; author: { handle: string } } }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
}

async function home(t: TestApp, user: TestUser, first = 20, after?: string): Promise<HomePage> {
  return (await t.ok(HOME, { first, after }, user.token)).homeTimeline as HomePage;
}

const texts = (page: HomePage) => page.edges.map((edge) => edge.node.text);

describe('home timeline', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.close());

  it('holds the viewer’s own posts and their followees’, newest first, and nobody else’s', async () => {
    const [ana, bob, cid] = [await t.signUp(), await t.signUp(), await t.signUp()];
    await t.follow(ana, bob);
    await t.post(bob, 'bob 1');
    await t.post(ana, 'ana 1');
    await t.post(cid, 'cid 1 (not followed)');
    await t.post(bob, 'bob 2');
    expect(texts(await home(t, ana))).toEqual(['bob 2', 'ana 1', 'bob 1']);
    expect(texts(await home(t, cid))).toEqual(['cid 1 (not followed)']);
  });

  it('pages with opaque keyset cursors that new posts never shift or repeat', async () => {
    const [reader, writer] = [await t.signUp(), await t.signUp()];
    await t.follow(reader, writer);
    for (let i = 1; i <= 25; i += 1) await t.post(writer, `p${i}`);
    const first = await home(t, reader, 10);
    expect(texts(first)).toEqual([
      'p25',
      'p24',
      'p23',
      'p22',
      'p21',
      'p20',
      'p19',
      'p18',
      'p17',
      'p16',
    ]);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(first.pageInfo.endCursor).not.toMatch(/p16|Post/);

    await t.post(writer, 'arrived while paging');
    const second = await home(t, reader, 10, first.pageInfo.endCursor!);
    expect(texts(second)).toEqual([
      'p15',
      'p14',
      'p13',
      'p12',
      'p11',
      'p10',
      'p9',
      'p8',
      'p7',
      'p6',
    ]);
    expect(second.pageInfo.hasPreviousPage).toBe(true);
    const third = await home(t, reader, 10, second.pageInfo.endCursor!);
    expect(texts(third)).toEqual(['p5', 'p4', 'p3', 'p2', 'p1']);
    expect(third.pageInfo.hasNextPage).toBe(false);
    expect(texts(await home(t, reader, 1))).toEqual(['arrived while paging']);
  });

  it.each([0, -1, 101, 1000])('refuses first: %p', async (first) => {
    const user = await t.signUp();
    const result = await t.gql(HOME, { first }, user.token);
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].message).toContain('first');
  });

  it.each([
    'garbage',
    'WyJ4Il0',
    Buffer.from('["2026-01-01T00:00:00.000Z","x"]').toString('base64url'),
  ])('refuses the cursor %p', async (after) => {
    const user = await t.signUp();
    const result = await t.gql(HOME, { after }, user.token);
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0].message).toContain('after');
  });

  it('needs a signed-in viewer', async () => {
    expect(errorCode(await t.gql(HOME))).toBe('UNAUTHENTICATED');
    expect(errorCode(await t.gql(HOME, {}, 'not-a-token'))).toBe('UNAUTHENTICATED');
  });

  it('brings a followee’s recent posts in on follow and takes them out on unfollow', async () => {
    const [reader, writer] = [await t.signUp(), await t.signUp()];
    await t.post(writer, 'before the follow');
    await t.post(reader, 'mine');
    await t.follow(reader, writer);
    expect(texts(await home(t, reader))).toEqual(['mine', 'before the follow']);
    await t.ok(
      `mutation($id: ID!) { unfollow(userId: $id) { id } }`,
      { id: writer.id },
      reader.token,
    );
    expect(texts(await home(t, reader))).toEqual(['mine']);
  });

  it('shows a reply only to followers who also follow the account replied to', async () => {
    const [writer, other, both, onlyWriter] = [
      await t.signUp(),
      await t.signUp(),
      await t.signUp(),
      await t.signUp(),
    ];
    await t.follow(both, writer);
    await t.follow(both, other);
    await t.follow(onlyWriter, writer);
    const original = await t.post(other, 'original');
    await t.post(writer, { text: 'a reply', replyToId: original });
    expect(texts(await home(t, both))).toEqual(['a reply', 'original']);
    expect(texts(await home(t, onlyWriter))).toEqual([]);
    expect(texts(await home(t, writer))).toEqual(['a reply']);
  });

  it('drops deleted posts from every timeline', async () => {
    const [reader, writer] = [await t.signUp(), await t.signUp()];
    await t.follow(reader, writer);
    const id = await t.post(writer, 'regret');
    await t.post(writer, 'keeper');
    await t.ok(`mutation($id: ID!) { deletePost(id: $id) }`, { id }, writer.token);
    expect(texts(await home(t, reader))).toEqual(['keeper']);
    expect(texts(await home(t, writer))).toEqual(['keeper']);
  });

  it('shows a user’s own timeline on their profile, and hides it from accounts they block', async () => {
    const [writer, stranger, blocked] = [await t.signUp(), await t.signUp(), await t.signUp()];
    await t.post(writer, 'one');
    await t.post(writer, 'two');
    const query = `query($handle: String!) { user(handle: $handle) { timeline(first: 1) {
      edges { node { ... on Post { text } } } pageInfo { hasNextPage endCursor } } } }`;
    const page = await t.ok(query, { handle: writer.handle }, stranger.token);
    expect(page.user.timeline.edges).toEqual([{ node: { text: 'two' } }]);
    expect(page.user.timeline.pageInfo.hasNextPage).toBe(true);
    await t.ok(
      `mutation($id: ID!) { block(userId: $id) { id } }`,
      { id: blocked.id },
      writer.token,
    );
    expect(errorCode(await t.gql(query, { handle: writer.handle }, blocked.token))).toBe(
      'NOT_FOUND',
    );
  });
});

describe('home timeline of large accounts (hybrid fan-out)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({ FANOUT_MAX_FOLLOWERS: '2' });
  });
  afterAll(() => t.close());

  it('merges the posts of accounts above the fan-out limit at read time', async () => {
    const star = await t.signUp('star');
    const fans = [await t.signUp(), await t.signUp(), await t.signUp()];
    const friend = await t.signUp();
    for (const fan of fans) await t.follow(fan, star);
    await t.follow(fans[0], friend);

    await t.post(friend, 'friend 1');
    const starPost = await t.post(star, 'star 1');
    await t.post(friend, 'friend 2');
    await t.post(star, 'star 2');

    const [entries] = await t.sql<{ count: string }>(
      `SELECT count(*) FROM timeline_entries te JOIN users u ON u.id = te.owner_id
       WHERE te.author_id = (SELECT id FROM users WHERE handle = 'star') AND u.handle <> 'star'`,
    );
    expect(Number(entries.count)).toBe(0);
    expect(texts(await home(t, fans[0]))).toEqual(['star 2', 'friend 2', 'star 1', 'friend 1']);
    expect(texts(await home(t, fans[1]))).toEqual(['star 2', 'star 1']);
    expect(texts(await home(t, star))).toEqual(['star 2', 'star 1']);

    const page1 = await home(t, fans[0], 3);
    const page2 = await home(t, fans[0], 3, page1.pageInfo.endCursor!);
    expect([...texts(page1), ...texts(page2)]).toEqual([
      'star 2',
      'friend 2',
      'star 1',
      'friend 1',
    ]);
    expect(page2.pageInfo.hasNextPage).toBe(false);

    await t.ok(`mutation($id: ID!) { mute(userId: $id) { id } }`, { id: star.id }, fans[1].token);
    expect(texts(await home(t, fans[1]))).toEqual([]);
    await t.ok(
      `mutation($id: ID!) { unfollow(userId: $id) { id } }`,
      { id: star.id },
      fans[2].token,
    );
    expect(texts(await home(t, fans[2]))).toEqual([]);
    await t.ok(`mutation($id: ID!) { deletePost(id: $id) }`, { id: starPost }, star.token);
    expect(texts(await home(t, fans[0]))).toEqual(['star 2', 'friend 2', 'friend 1']);
  });
});

describe('home timeline SQL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.close());

  const RICH = `query($first: Int) { homeTimeline(first: $first) { edges { cursor node {
    ... on Post { id text hashtags likesCount repliesCount viewerHasLiked createdAt
      author { handle displayName followersCount postsCount viewerFollows followsViewer viewerBlocks viewerMutes viewerNotifiedWhenLive }
      mentions { handle viewerFollows }
      replyTo { id text author { handle viewerFollows } } } } }
    pageInfo { hasNextPage endCursor } } }`;

  async function statementsFor(
    reader: TestUser,
    first: number,
  ): Promise<{ count: number; edges: number }> {
    t.queries.reset();
    const data = await t.ok(RICH, { first }, reader.token);
    return { count: t.queries.total, edges: data.homeTimeline.edges.length };
  }

  /**
   * A reader following `count` accounts that each reply to an older post (outside the page, so
   * every parent is fetched) and post plainly.
   */
  async function readerFollowing(count: number): Promise<TestUser> {
    const reader = await t.signUp();
    const outsider = await t.signUp();
    await t.follow(reader, outsider);
    const root = await t.post(outsider, 'the oldest post');
    const followees: TestUser[] = [];
    for (let i = 0; i < count; i += 1) {
      const followee = await t.signUp();
      followees.push(followee);
      await t.follow(reader, followee);
      await t.post(followee, {
        text: `reply @${outsider.handle} @${followees[0].handle}`,
        replyToId: root,
      });
      await t.post(followee, `plain #tag ${i}`);
    }
    return reader;
  }

  it('does not grow with the page size or the number of followees (DataLoader)', async () => {
    const few = await statementsFor(await readerFollowing(3), 5);
    const lots = await statementsFor(await readerFollowing(30), 40);
    expect(few.edges).toBe(5);
    expect(lots.edges).toBe(40);
    // Authenticate; the page, which brings its posts, their authors, likes, mentions and blocks;
    // then the author flags the page does not read (follows either way, mutes) and the replied-to
    // posts with theirs: 7, bounded by the query's depth, not by the data (40 items without
    // batching would be hundreds). A batch may split in two when database answers arrive in
    // different turns of the event loop, hence the small margin.
    expect(few.count).toBeLessThanOrEqual(9);
    expect(lots.count).toBeLessThanOrEqual(9);
  });
});
