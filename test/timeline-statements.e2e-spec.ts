import { DataSource } from 'typeorm';
import { TestApp, TestUser, webOperation, withWebFragments } from '@app/testing';

/** The web app's home page document, as it sends it. */
const HOME = webOperation('timeline.graphql', 'HomeTimeline');

/** The same card asked alone through `node`, without the home page's batching. */
const NODE = withWebFragments('query($id: ID!) { node(id: $id) { ...TimelineCard } }');

interface Card {
  __typename: 'Post' | 'Broadcast';
  id: string;
  [field: string]: unknown;
}

interface HomePage {
  homeTimeline: { edges: { cursor: string; node: Card }[] };
}

describe('home timeline statements', () => {
  let t: TestApp;
  /** Follows accounts that post, reply, mention, share broadcasts and broadcast. */
  let reader: TestUser;
  /** Follows the same accounts and a show's fan, who names the show's hashtag. */
  let fan: TestUser;

  beforeAll(async () => {
    t = await TestApp.start();
    const [alice, bob, carol, dave, erin, frank, sam, partner] = await Promise.all(
      Array.from({ length: 8 }, () => t.signUp()),
    );
    [reader, fan] = [await t.signUp(), await t.signUp()];
    const as = (user: TestUser, query: string, variables: Record<string, unknown> = {}) =>
      t.ok(query, variables, user.token);
    const broadcast = async (user: TestUser, input: Record<string, unknown>): Promise<string> =>
      (
        await as(
          user,
          `mutation($input: StartBroadcastInput!) { startBroadcast(input: $input) { id } }`,
          { input },
        )
      ).startBroadcast.id;
    const end = (user: TestUser, id: string) =>
      as(user, `mutation($id: ID!) { endBroadcast(id: $id) { id } }`, { id });
    for (const followee of [alice, bob, carol, dave]) {
      await t.follow(reader, followee);
      await t.follow(fan, followee);
    }
    await t.follow(fan, sam);
    await t.sql(`UPDATE users SET role = 'PARTNER' WHERE handle = $1`, [partner.handle]);
    await as(partner, `mutation($input: CreateShowInput!) { createShow(input: $input) { id } }`, {
      input: { slug: 'late-show', hashtag: 'lateshow', title: 'The Late Show', network: 'Net' },
    });

    // Erin, whom nobody follows, broadcast once: only a share brings it onto a home page.
    const elsewhere = await broadcast(erin, { title: 'erin, elsewhere' });
    await end(erin, elsewhere);
    const ended = await broadcast(carol, { title: 'carol, over', visibility: 'FOLLOWERS' });
    await end(carol, ended);
    await broadcast(carol, {
      title: 'carol, later',
      scheduledFor: new Date(Date.now() + 86_400_000),
    });
    const bobPost = await t.post(bob, { text: 'bob says hi' });
    await t.post(reader, { text: 'my own post' });
    const live = await broadcast(bob, { title: 'bob, live' });
    await t.post(alice, { text: `watch this @${bob.handle} @${dave.handle}`, broadcastId: live });
    await t.post(alice, { text: 'this one was on earlier', broadcastId: elsewhere });
    // Frank, shared, then blocks the reader; Bob bans the fan from the broadcast Alice shares.
    const franks = await broadcast(frank, { title: 'frank, live' });
    await t.post(alice, { text: 'frank is on', broadcastId: franks });
    await as(frank, `mutation($id: ID!) { block(userId: $id) { id } }`, { id: reader.id });
    await as(bob, `mutation($b: ID!, $u: ID!) { banViewer(broadcastId: $b, userId: $u) }`, {
      b: live,
      u: fan.id,
    });
    await t.post(carol, { text: 'a reply', replyToId: bobPost });
    await t.post(dave, { text: 'dave, before blocking' });
    await t.post(sam, { text: 'tonight #lateshow' });
    await as(reader, `mutation($id: ID!) { likePost(id: $id) { id } }`, { id: bobPost });
    // Dave blocks both readers after being mentioned: mentions leave him out from then on.
    for (const blocked of [reader, fan]) {
      await as(dave, `mutation($id: ID!) { block(userId: $id) { id } }`, { id: blocked.id });
    }
  });
  afterAll(() => t.close());

  async function measured(viewer: TestUser): Promise<{ cards: Card[]; statements: string[] }> {
    t.queries.reset();
    const page = await t.ok<HomePage>(HOME, {}, viewer.token);
    return {
      cards: page.homeTimeline.edges.map((edge) => edge.node),
      statements: [...t.queries.statements],
    };
  }

  it('costs at most 3 statements for posts, replies, mentions, shares and live, scheduled and ended broadcasts, authentication included', async () => {
    const { cards, statements } = await measured(reader);
    expect(cards.map((card) => card.__typename).sort()).toEqual([
      ...Array(3).fill('Broadcast'),
      ...Array(6).fill('Post'),
    ]);
    // Authentication, the page with everything it shows, and See it's buttons (their saves).
    expect(statements).toHaveLength(3);
  });

  it("costs the same 3 statements when a post names a show's hashtag", async () => {
    const { cards, statements } = await measured(fan);
    expect(cards.some((card) => card.text === 'tonight #lateshow')).toBe(true);
    // See it's one statement finds the show by its hashtag as the viewer may see it, with its
    // schedule and the viewer's saves, beside the broadcasts' saves (SeeItService.subjects).
    expect(statements).toHaveLength(3);
  });

  it('answers every card as it is when asked alone, viewer-specific fields included', async () => {
    for (const viewer of [reader, fan]) {
      const { cards } = await measured(viewer);
      for (const card of cards) {
        const alone = await t.ok<{ node: Card }>(NODE, { id: card.id }, viewer.token);
        expect(card).toEqual(alone.node);
      }
    }
    const { cards } = await measured(reader);
    const byText = new Map(cards.map((card) => [card.text ?? card.title, card]));
    expect(byText.get('bob says hi')).toMatchObject({ viewerHasLiked: true, seeIt: null });
    expect(byText.get('my own post')).toMatchObject({ viewerHasLiked: false });
    const sharing = cards.find((card) => String(card.text).startsWith('watch this'))!;
    expect(sharing.mentions).toEqual([expect.objectContaining({ handle: expect.any(String) })]);
    expect(sharing.broadcast).toMatchObject({ title: 'bob, live', status: 'LIVE' });
    expect(byText.get('this one was on earlier')).toMatchObject({
      broadcast: { title: 'erin, elsewhere', status: 'ENDED' },
      seeIt: { savedByViewer: false },
    });
    expect(byText.get('carol, over')).toMatchObject({ status: 'ENDED', replayAvailable: false });
    expect(byText.get('carol, later')).toMatchObject({ status: 'SCHEDULED' });
    expect(byText.has('dave, before blocking')).toBe(false);
    expect(byText.get('frank is on')).toMatchObject({ broadcast: null, seeIt: null });
    const { cards: fanCards } = await measured(fan);
    const fanSees = new Map(fanCards.map((card) => [card.text ?? card.title, card]));
    expect(fanSees.get('frank is on')).toMatchObject({ broadcast: { title: 'frank, live' } });
    expect(fanSees.get(sharing.text as string)).toMatchObject({ broadcast: null });
    expect(fanCards.find((card) => card.text === 'tonight #lateshow')).toMatchObject({
      seeIt: { title: 'The Late Show', savedByViewer: false, show: { slug: 'late-show' } },
    });
  });
});

describe('home timeline plans', () => {
  let t: TestApp;
  let reader: TestUser;

  beforeAll(async () => {
    // One connection: its prepared statements are the ones the test reads.
    t = await TestApp.start({}, { poolSize: 1 });
    reader = await t.signUp();
    const author = await t.signUp();
    await t.follow(reader, author);
    for (let i = 0; i < 4; i++) await t.post(author, { text: `post ${i}` });
    // A long-standing reader's timeline, as the planner sees it once autovacuum has analyzed
    // the tables: thousands of older entries.
    await t.sql(
      `INSERT INTO timeline_entries (owner_id, sort_at, item_id, item_kind, author_id)
       SELECT r.id, now() - interval '1 day' - i * interval '1 minute', 10000000 + i, 'POST', a.id
       FROM users r, users a, generate_series(1, 20000) i
       WHERE r.handle = $1 AND a.handle = $2`,
      [reader.handle, author.handle],
    );
    await t.sql('ANALYZE');
  });
  afterAll(() => t.close());

  it('keeps one generic plan per cursor shape and size class, so a page is not planned again', async () => {
    const page = (first: number, after?: string) =>
      t.ok<HomePage>(
        'query($first: Int, $after: String) { homeTimeline(first: $first, after: $after) { edges { cursor } } }',
        { first, after },
        reader.token,
      );
    const first = await page(3);
    const after = first.homeTimeline.edges[2].cursor;
    // PostgreSQL weighs a generic plan from the sixth execution of a prepared statement.
    for (let i = 0; i < 8; i++) {
      await page(3);
      await page(5);
      await page(2, after);
    }
    const plans = await t.app
      .get(DataSource)
      .query<{ generic_plans: string; custom_plans: string }[]>(
        `SELECT generic_plans, custom_plans FROM pg_prepared_statements
         WHERE statement LIKE '%FROM timeline_entries te%'`,
      );
    // Pages of 3 and 5 share a statement text; the cursor's condition makes a second one.
    expect(plans).toHaveLength(2);
    for (const plan of plans) {
      expect(Number(plan.custom_plans)).toBeLessThanOrEqual(5);
      expect(Number(plan.generic_plans)).toBeGreaterThan(0);
    }
  });
});
