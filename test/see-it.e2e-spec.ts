import { createHash } from 'node:crypto';
import { NestExpressApplication } from '@nestjs/platform-express';
import { toGlobalId } from '@app/common';
import {
  errorCode,
  serviceAvailable,
  tcpReachable,
  TestApp,
  TestSubscription,
  TestUser,
} from '@app/testing';

/**
 * See it over HTTP and real graphql-ws websockets: shows and airings, the button on posts,
 * broadcasts and shows, taps (recorded, counted, saved for later, sent to a paired screen),
 * watch-later lists, paired screens, stats, the live conversation, and across two API processes
 * through Redis. Links are checked against the configured APP_SCHEME and PUBLIC_URL.
 */

const APP_SCHEME = 'seeit-test';
const PUBLIC_URL = 'https://seeit.example';

const CREATE_SHOW = `mutation($input: CreateShowInput!) { createShow(input: $input) {
  id slug title network hashtag description owner { handle } onNow nextAiring { channel } airings { id } } }`;
const ADD_AIRING = `mutation($showId: ID!, $input: AiringInput!) { addAiring(showId: $showId, input: $input) {
  id onNow nextAiring { channel } airings { channel startsAt endsAt } } }`;
const SHOW = `query($slug: String!) { show(slug: $slug) {
  id slug hashtag onNow nextAiring { channel startsAt } airings { channel }
  seeIt { title status links { target url } show { slug } broadcast { id } } } }`;
const SHOWS = `query($onNow: Boolean, $first: Int, $after: String) { shows(onNow: $onNow, first: $first, after: $after) {
  edges { cursor node { slug onNow } } pageInfo { hasNextPage endCursor } } }`;
const SEE_IT_FIELDS = `title status links { target url } savedByViewer show { id slug onNow } broadcast { id status }`;
const POST = `query($id: ID!) { post(id: $id) { id text broadcast { id title } seeIt { ${SEE_IT_FIELDS} } } }`;
const BROADCAST = `query($id: ID!) { broadcast(id: $id) { id seeIt { ${SEE_IT_FIELDS} } } }`;
const CREATE_POST = `mutation($input: CreatePostInput!) { createPost(input: $input) { id } }`;
const START = `mutation($input: StartBroadcastInput!) { startBroadcast(input: $input) { id status } }`;
const END = `mutation($id: ID!) { endBroadcast(id: $id) { id } }`;
const CANCEL = `mutation($id: ID!) { cancelBroadcast(id: $id) { id } }`;
const BLOCK = `mutation($id: ID!) { block(userId: $id) { id } }`;
const TAP = `mutation($input: SeeItInput!) { seeIt(input: $input) { url savedForLater sentToDevice } }`;
const PAIR = `mutation($name: String!, $kind: SeeItTarget!) { pairDevice(name: $name, kind: $kind) {
  device { id name kind createdAt } deviceToken } }`;
const UNPAIR = `mutation($id: ID!) { unpairDevice(id: $id) }`;
const DEVICES = `{ devices { id name kind } }`;
const NODE = `query($id: ID!) { node(id: $id) { __typename id ... on Show { slug } ... on Device { name } } }`;
const PLAY = `subscription { playCommands { url title show { slug } broadcast { id } at } }`;
const WATCH_LATER = `query($first: Int, $after: String) { watchLater(first: $first, after: $after) {
  edges { cursor node { id savedAt seeIt { title status savedByViewer show { slug } broadcast { id } } } }
  pageInfo { hasNextPage endCursor } } }`;
const REMOVE = `mutation($id: ID!) { removeFromWatchLater(id: $id) }`;
const STATS = `query($slug: String!) { show(slug: $slug) { slug seeItStats { action taps } } }`;
const CONVERSATION = `query($slug: String!, $first: Int, $after: String) { show(slug: $slug) {
  conversation(first: $first, after: $after) { edges { cursor node { text author { handle } } }
  pageInfo { hasNextPage endCursor } } } }`;
const CONVERSATION_ADDED = `subscription($showId: ID!) { showConversation(showId: $showId) { text author { handle } seeIt { show { slug } } } }`;
const HOME = `query($first: Int) { homeTimeline(first: $first) { edges { node {
  ... on Post { text seeIt { ${SEE_IT_FIELDS} } }
  ... on Broadcast { title seeIt { ${SEE_IT_FIELDS} } } } } } }`;

const MINUTE = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface Link {
  target: string;
  url: string;
}

/** The four links of a show as the configured scheme and URL build them. */
function showLinks(slug: string, channel?: string): Link[] {
  const query = `show=${slug}${channel ? `&channel=${encodeURIComponent(channel)}` : ''}`;
  return [
    { target: 'TV', url: `${APP_SCHEME}://tv/watch?${query}` },
    { target: 'TABLET', url: `${APP_SCHEME}://tablet/watch?${query}` },
    { target: 'MOBILE', url: `${APP_SCHEME}://mobile/watch?${query}` },
    { target: 'WEB', url: `${PUBLIC_URL}/watch?${query}` },
  ];
}

function broadcastLinks(id: string): Link[] {
  return [
    { target: 'TV', url: `${APP_SCHEME}://tv/watch?broadcast=${id}` },
    { target: 'TABLET', url: `${APP_SCHEME}://tablet/watch?broadcast=${id}` },
    { target: 'MOBILE', url: `${APP_SCHEME}://mobile/watch?broadcast=${id}` },
    { target: 'WEB', url: `${PUBLIC_URL}/watch?broadcast=${id}` },
  ];
}

async function until<T>(probe: () => T | Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(50);
  }
}

describe('See it (e2e)', () => {
  let t: TestApp;
  let showCount = 0;
  const subscriptions: TestSubscription[] = [];

  beforeAll(async () => {
    t = await TestApp.start({ APP_SCHEME, PUBLIC_URL });
  });
  afterAll(async () => {
    await Promise.all(subscriptions.map((sub) => sub.close()));
    await t.close();
  });

  async function withRole(role: 'PARTNER' | 'ADMIN'): Promise<TestUser> {
    const user = await t.signUp();
    await t.sql('UPDATE users SET role = $2 WHERE handle = $1', [user.handle, role]);
    return user;
  }

  /** A show with a unique slug and hashtag unless given. */
  async function createShow(
    owner: TestUser,
    input: Partial<{ slug: string; title: string; hashtag: string; description: string }> = {},
  ): Promise<{ id: string; slug: string; hashtag: string; title: string }> {
    showCount += 1;
    const data = await t.ok(
      CREATE_SHOW,
      {
        input: {
          slug: `show-${showCount}-${Date.now()}`,
          title: `Show ${showCount}`,
          network: 'NBC',
          hashtag: `Show${showCount}x${Date.now()}`,
          ...input,
        },
      },
      owner.token,
    );
    return data.createShow;
  }

  const airingInput = (channel: string, fromMinutes: number, toMinutes: number) => ({
    channel,
    startsAt: new Date(Date.now() + fromMinutes * MINUTE).toISOString(),
    endsAt: new Date(Date.now() + toMinutes * MINUTE).toISOString(),
  });
  const addAiring = (owner: TestUser, showId: string, input: ReturnType<typeof airingInput>) =>
    t.gql(ADD_AIRING, { showId, input }, owner.token);
  const startBroadcast = async (
    broadcaster: TestUser,
    input: { title: string; visibility?: string; scheduledFor?: string },
  ): Promise<string> => (await t.ok(START, { input }, broadcaster.token)).startBroadcast.id;
  const tap = (user: TestUser, input: Record<string, unknown>) => t.gql(TAP, { input }, user.token);
  const pair = async (user: TestUser, kind = 'TV', name = 'Living room') =>
    (await t.ok(PAIR, { name, kind }, user.token)).pairDevice as {
      device: { id: string; name: string; kind: string };
      deviceToken: string;
    };
  const seeItOfPost = async (id: string, viewer?: TestUser) =>
    (await t.ok(POST, { id }, viewer?.token)).post.seeIt;
  async function screen(deviceToken: string): Promise<TestSubscription> {
    const sub = await t.subscribe(PLAY, {}, undefined, { deviceToken });
    subscriptions.push(sub);
    return sub;
  }
  async function tapState(): Promise<{ taps: number; counted: number; saved: number }> {
    const [row] = await t.sql(
      `SELECT (SELECT count(*) FROM see_it_taps)::int AS taps,
              (SELECT COALESCE(sum(taps), 0)::int FROM see_it_tap_counts) AS counted,
              (SELECT count(*) FROM watch_later)::int AS saved`,
    );
    return row;
  }
  /** When the show's latest airing on `channel` ends. */
  async function endOf(showId: string, channel: string): Promise<Date> {
    const [row] = await t.sql(
      'SELECT max(ends_at) AS ends_at FROM airings WHERE show_id = $1 AND channel = $2',
      [rowId(showId), channel],
    );
    return row.ends_at;
  }
  /** graphql-ws's client reports a refused connection on the console: expected in these tests. */
  async function quietly<T>(work: () => Promise<T>): Promise<T> {
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      return await work();
    } finally {
      quiet.mockRestore();
    }
  }

  describe('done when', () => {
    it('runs from a show on air to a screen playing it and the partner reading the stats', async () => {
      // A partner creates a show airing now.
      const partner = await withRole('PARTNER');
      const show = await createShow(partner, { slug: 'the-show', hashtag: '#TheShow' });
      expect(show).toMatchObject({ slug: 'the-show', hashtag: 'TheShow', onNow: false });
      const aired = await addAiring(partner, show.id, airingInput('NBC East', -10, 50));
      expect(aired.data.addAiring).toMatchObject({ onNow: true, nextAiring: null });

      // A member posts about it; another member who follows them reads their home timeline.
      const [poster, reader] = [await t.signUp(), await t.signUp()];
      await t.follow(reader, poster);
      await t.post(poster, 'watching #TheShow');
      const home = await t.ok(HOME, { first: 10 }, reader.token);
      expect(home.homeTimeline.edges).toHaveLength(1);
      const card = home.homeTimeline.edges[0].node;
      expect(card.text).toBe('watching #TheShow');
      expect(card.seeIt).toEqual({
        title: show.title,
        status: 'LIVE',
        links: showLinks('the-show', 'NBC East'),
        savedByViewer: false,
        show: { id: show.id, slug: 'the-show', onNow: true },
        broadcast: null,
      });

      // The reader pairs a TV screen, which subscribes to playCommands with its token.
      const { device, deviceToken } = await pair(reader, 'TV', 'Living room');
      const tv = await screen(deviceToken);
      const tapped = await tap(reader, { showId: show.id, action: 'TV', deviceId: device.id });
      expect(tapped.data.seeIt).toEqual({
        url: `${APP_SCHEME}://tv/watch?show=the-show&channel=NBC%20East`,
        savedForLater: false,
        sentToDevice: true,
      });
      const command = (await tv.nextData()).playCommands;
      expect(command).toMatchObject({
        url: `${APP_SCHEME}://tv/watch?show=the-show&channel=NBC%20East`,
        title: show.title,
        show: { slug: 'the-show' },
        broadcast: null,
      });
      expect(Date.now() - Date.parse(command.at)).toBeLessThan(10_000);

      // LATER puts it in the reader's watch-later list.
      const later = await tap(reader, { showId: show.id, action: 'LATER' });
      expect(later.data.seeIt).toEqual({ url: null, savedForLater: true, sentToDevice: false });
      const list = await t.ok(WATCH_LATER, {}, reader.token);
      expect(list.watchLater.edges.map((e: any) => e.node.seeIt)).toEqual([
        {
          title: show.title,
          status: 'LIVE',
          savedByViewer: true,
          show: { slug: 'the-show' },
          broadcast: null,
        },
      ]);
      const again = await t.ok(HOME, { first: 10 }, reader.token);
      expect(again.homeTimeline.edges[0].node.seeIt.savedByViewer).toBe(true);

      // The partner sees each tap counted once.
      const stats = await t.ok(STATS, { slug: 'the-show' }, partner.token);
      expect(stats.show.seeItStats).toEqual([
        { action: 'TV', taps: 1 },
        { action: 'TABLET', taps: 0 },
        { action: 'MOBILE', taps: 0 },
        { action: 'WEB', taps: 0 },
        { action: 'LATER', taps: 1 },
      ]);
    });
  });

  describe('shows and airings', () => {
    it('lets only PARTNER and ADMIN accounts create shows (FORBIDDEN, UNAUTHENTICATED)', async () => {
      const member = await t.signUp();
      const input = {
        slug: 'members-show',
        title: 'Mine',
        network: 'Home',
        hashtag: 'MembersShow',
      };
      expect(errorCode(await t.gql(CREATE_SHOW, { input }, member.token))).toBe('FORBIDDEN');
      expect(errorCode(await t.gql(CREATE_SHOW, { input }))).toBe('UNAUTHENTICATED');
      expect(await t.sql("SELECT 1 FROM shows WHERE slug = 'members-show'")).toHaveLength(0);

      const admin = await withRole('ADMIN');
      const created = await t.ok(CREATE_SHOW, { input }, admin.token);
      expect(created.createShow).toMatchObject({
        slug: 'members-show',
        hashtag: 'MembersShow',
        description: null,
        owner: { handle: admin.handle },
        airings: [],
      });
    });

    it('refuses a duplicate slug, and a duplicate hashtag in another case (CONFLICT)', async () => {
      const [partner, rival] = [await withRole('PARTNER'), await withRole('PARTNER')];
      await createShow(partner, { slug: 'taken-slug', hashtag: 'TakenTag' });
      const before = await t.sql('SELECT count(*)::int AS n FROM shows');
      const sameSlug = await t.gql(
        CREATE_SHOW,
        { input: { slug: 'taken-slug', title: 'B', network: 'N', hashtag: 'OtherTag' } },
        rival.token,
      );
      expect(errorCode(sameSlug)).toBe('CONFLICT');
      for (const hashtag of ['#takentag', 'TAKENTAG', 'TakenTag']) {
        const sameTag = await t.gql(
          CREATE_SHOW,
          { input: { slug: 'other-slug', title: 'B', network: 'N', hashtag } },
          rival.token,
        );
        expect(errorCode(sameTag)).toBe('CONFLICT');
        expect(sameTag.errors?.[0].message).toContain('#');
      }
      expect(await t.sql('SELECT count(*)::int AS n FROM shows')).toEqual(before);
    });

    it.each([
      [{ slug: 'Not A Slug' }, 'slug'],
      [{ slug: 'x' }, 'slug'],
      [{ hashtag: 'two words' }, 'hashtag'],
      [{ title: '   ' }, 'title'],
      [{ network: '' }, 'network'],
    ])('refuses %p (BAD_USER_INPUT)', async (change, field) => {
      const partner = await withRole('PARTNER');
      const input = {
        slug: 'valid-slug-x',
        title: 'T',
        network: 'N',
        hashtag: 'ValidTagX',
        ...change,
      };
      const result = await t.gql(CREATE_SHOW, { input }, partner.token);
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0].extensions?.fields).toEqual([expect.objectContaining({ field })]);
      expect(await t.sql("SELECT 1 FROM shows WHERE slug = 'valid-slug-x'")).toHaveLength(0);
    });

    it('refuses an airing that ends before (or when) it starts: BAD_USER_INPUT', async () => {
      const partner = await withRole('PARTNER');
      const show = await createShow(partner);
      for (const input of [airingInput('NBC', 60, 30), airingInput('NBC', 60, 60)]) {
        const result = await addAiring(partner, show.id, input);
        expect(errorCode(result)).toBe('BAD_USER_INPUT');
        expect(result.errors?.[0].extensions?.fields).toEqual([
          { field: 'endsAt', message: 'must be after startsAt' },
        ]);
      }
      expect(await t.sql('SELECT 1 FROM airings WHERE show_id = $1', [rowId(show.id)])).toEqual([]);
    });

    it.each([
      ['a year before 1970', '-271821-04-20T00:00:00.000Z', 'startsAt'],
      ['a year after 9999', '+275760-09-13T00:00:00.000Z', 'endsAt'],
      ['a day that does not exist', '2099-02-30T00:00:00Z', 'startsAt'],
      ['no time zone', '2099-02-01T00:00:00', 'endsAt'],
    ])('refuses an airing time with %s: BAD_USER_INPUT naming it', async (_case, bad, field) => {
      const partner = await withRole('PARTNER');
      const show = await createShow(partner);
      const input = { ...airingInput('NBC', 10, 20), [field]: bad };
      const result = await addAiring(partner, show.id, input);
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0].message).toContain(`input.${field}`);
      expect(await t.sql('SELECT 1 FROM airings WHERE show_id = $1', [rowId(show.id)])).toEqual([]);
    });

    it('refuses an airing that overlaps another on the same channel: CONFLICT', async () => {
      const partner = await withRole('PARTNER');
      const show = await createShow(partner);
      expect(
        (await addAiring(partner, show.id, airingInput('NBC', 60, 120))).errors,
      ).toBeUndefined();
      const overlaps = await addAiring(partner, show.id, airingInput('NBC', 90, 150));
      expect(errorCode(overlaps)).toBe('CONFLICT');
      const inside = await addAiring(partner, show.id, airingInput('NBC', 70, 80));
      expect(errorCode(inside)).toBe('CONFLICT');
      // Another channel, and back to back on the same one, are fine.
      expect(
        (await addAiring(partner, show.id, airingInput('ABC', 90, 150))).errors,
      ).toBeUndefined();
      const next = await t.ok(
        ADD_AIRING,
        { showId: show.id, input: { channel: 'NBC', ...span(await endOf(show.id, 'NBC'), 30) } },
        partner.token,
      );
      expect(next.addAiring.airings.map((a: { channel: string }) => a.channel)).toEqual([
        'NBC',
        'ABC',
        'NBC',
      ]);
    });

    it('decides concurrent overlapping airings in the database: exactly one wins', async () => {
      const partner = await withRole('PARTNER');
      const show = await createShow(partner);
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          addAiring(partner, show.id, airingInput('NBC', 60 + i, 120)),
        ),
      );
      expect(results.filter((r) => !r.errors)).toHaveLength(1);
      expect(results.filter((r) => errorCode(r) === 'CONFLICT')).toHaveLength(5);
      expect(
        await t.sql('SELECT 1 FROM airings WHERE show_id = $1', [rowId(show.id)]),
      ).toHaveLength(1);
    });

    it("lets only the show's owner or an admin add airings", async () => {
      const [owner, other, admin] = [
        await withRole('PARTNER'),
        await withRole('PARTNER'),
        await withRole('ADMIN'),
      ];
      const member = await t.signUp();
      const show = await createShow(owner);
      expect(errorCode(await addAiring(other, show.id, airingInput('NBC', 10, 20)))).toBe(
        'FORBIDDEN',
      );
      expect(errorCode(await addAiring(member, show.id, airingInput('NBC', 10, 20)))).toBe(
        'FORBIDDEN',
      );
      expect(await t.sql('SELECT 1 FROM airings WHERE show_id = $1', [rowId(show.id)])).toEqual([]);
      expect((await addAiring(admin, show.id, airingInput('NBC', 10, 20))).errors).toBeUndefined();
      const unknown = await addAiring(
        owner,
        toGlobalId('Show', '987654321'),
        airingInput('NBC', 1, 2),
      );
      expect(errorCode(unknown)).toBe('NOT_FOUND');
      const wrongType = await addAiring(owner, toGlobalId('Post', '1'), airingInput('NBC', 1, 2));
      expect(errorCode(wrongType)).toBe('BAD_USER_INPUT');
    });

    it('reads a show by slug with onNow, nextAiring and airings; unknown slugs are NOT_FOUND', async () => {
      const partner = await withRole('PARTNER');
      const show = await createShow(partner, { slug: 'read-me' });
      await addAiring(partner, show.id, airingInput('Late', 120, 180));
      await addAiring(partner, show.id, airingInput('Early', 60, 90));
      await addAiring(partner, show.id, airingInput('Past', -90, -60));
      const data = await t.ok(SHOW, { slug: 'READ-ME' });
      expect(data.show).toMatchObject({
        id: show.id,
        slug: 'read-me',
        onNow: false,
        nextAiring: { channel: 'Early' },
        airings: [{ channel: 'Past' }, { channel: 'Early' }, { channel: 'Late' }],
        seeIt: {
          title: show.title,
          status: 'UPCOMING',
          links: showLinks('read-me', 'Early'),
          show: { slug: 'read-me' },
          broadcast: null,
        },
      });
      expect(errorCode(await t.gql(SHOW, { slug: 'no-such-show' }))).toBe('NOT_FOUND');
      expect((await t.ok(NODE, { id: show.id })).node).toEqual({
        __typename: 'Show',
        id: show.id,
        slug: 'read-me',
      });
    });

    it('gives each show its status: LIVE, UPCOMING, ON_DEMAND once aired, ENDED without airings', async () => {
      const partner = await withRole('PARTNER');
      const [live, upcoming, aired, bare] = [
        await createShow(partner),
        await createShow(partner),
        await createShow(partner),
        await createShow(partner),
      ];
      await addAiring(partner, live.id, airingInput('A', -5, 5));
      await addAiring(partner, live.id, airingInput('B', 30, 60));
      await addAiring(partner, upcoming.id, airingInput('C', 30, 60));
      await addAiring(partner, upcoming.id, airingInput('C', -60, -30));
      await addAiring(partner, aired.id, airingInput('D', -60, -30));
      const statusOf = async (slug: string) => (await t.ok(SHOW, { slug })).show.seeIt;
      expect(await statusOf(live.slug)).toMatchObject({
        status: 'LIVE',
        links: showLinks(live.slug, 'A'),
      });
      expect(await statusOf(upcoming.slug)).toMatchObject({
        status: 'UPCOMING',
        links: showLinks(upcoming.slug, 'C'),
      });
      expect(await statusOf(aired.slug)).toMatchObject({
        status: 'ON_DEMAND',
        links: showLinks(aired.slug),
      });
      expect(await statusOf(bare.slug)).toMatchObject({
        status: 'ENDED',
        links: showLinks(bare.slug),
      });
    });

    it('lists shows newest first, and only those on now with onNow', async () => {
      const partner = await withRole('PARTNER');
      const [off, on] = [await createShow(partner), await createShow(partner)];
      await addAiring(partner, on.id, airingInput('A', -5, 5));
      await addAiring(partner, off.id, airingInput('A', 5, 15));
      const slugs = async (onNow?: boolean) =>
        (await t.ok(SHOWS, { onNow, first: 100 })).shows.edges.map((e: any) => e.node.slug);
      const all = await slugs();
      expect(all.indexOf(on.slug)).toBeLessThan(all.indexOf(off.slug));
      expect(await slugs(true)).toContain(on.slug);
      expect(await slugs(true)).not.toContain(off.slug);
      expect(await slugs(false)).toContain(off.slug);
      expect(await slugs(false)).not.toContain(on.slug);

      const first = await t.ok(SHOWS, { first: 1 });
      expect(first.shows.pageInfo.hasNextPage).toBe(true);
      const second = await t.ok(SHOWS, { first: 1, after: first.shows.pageInfo.endCursor });
      expect(second.shows.edges[0].node.slug).not.toBe(first.shows.edges[0].node.slug);
      expect(errorCode(await t.gql(SHOWS, { after: 'garbage!' }))).toBe('BAD_USER_INPUT');
      expect(errorCode(await t.gql(SHOWS, { first: 101 }))).toBe('BAD_USER_INPUT');
    });

    it("hides a suspended partner's shows", async () => {
      const partner = await withRole('PARTNER');
      const show = await createShow(partner);
      await t.sql('UPDATE users SET suspended_at = now() WHERE handle = $1', [partner.handle]);
      expect(errorCode(await t.gql(SHOW, { slug: show.slug }))).toBe('NOT_FOUND');
      expect((await t.ok(NODE, { id: show.id })).node).toBeNull();
    });
  });

  describe('the button on posts and broadcasts', () => {
    it('takes the first show in the order the tags appear in the post', async () => {
      const partner = await withRole('PARTNER');
      const [first, second] = [await createShow(partner), await createShow(partner)];
      const author = await t.signUp();
      const id = await t.post(
        author,
        `#nothing then #${second.hashtag.toUpperCase()} and #${first.hashtag}`,
      );
      expect((await seeItOfPost(id)).show.slug).toBe(second.slug);
      const plain = await t.post(author, 'no show here #nothing');
      expect(await seeItOfPost(plain)).toBeNull();
    });

    it('shares a visible broadcast: Post.broadcast and a LIVE, ENDED, then ON_DEMAND (replay) button', async () => {
      const [broadcaster, author, reader] = [await t.signUp(), await t.signUp(), await t.signUp()];
      const live = await startBroadcast(broadcaster, { title: 'From the studio' });
      const partner = await withRole('PARTNER');
      const show = await createShow(partner);
      // The shared broadcast wins over a show the text mentions.
      const id = await t.post(author, { text: `look #${show.hashtag}`, broadcastId: live });
      const data = await t.ok(POST, { id }, reader.token);
      expect(data.post.broadcast).toEqual({ id: live, title: 'From the studio' });
      expect(data.post.seeIt).toEqual({
        title: 'From the studio',
        status: 'LIVE',
        links: broadcastLinks(live),
        savedByViewer: false,
        show: null,
        broadcast: { id: live, status: 'LIVE' },
      });
      expect((await t.ok(BROADCAST, { id: live })).broadcast.seeIt.status).toBe('LIVE');
      await t.ok(END, { id: live }, broadcaster.token);
      // Nothing to watch until the media server reports the replay (test/replays.e2e-spec.ts).
      expect((await seeItOfPost(id, reader)).status).toBe('ENDED');
      await t.sql('INSERT INTO broadcast_replays (broadcast_id, duration_ms) VALUES ($1, 6000)', [
        rowId(live),
      ]);
      expect((await seeItOfPost(id, reader)).status).toBe('ON_DEMAND');
      expect((await t.ok(BROADCAST, { id: live })).broadcast.seeIt).toMatchObject({
        status: 'ON_DEMAND',
        links: broadcastLinks(live),
      });
    });

    it('is UPCOMING for a scheduled broadcast and ENDED once canceled', async () => {
      const broadcaster = await t.signUp();
      const scheduled = await startBroadcast(broadcaster, {
        title: 'Tomorrow',
        scheduledFor: new Date(Date.now() + 24 * 60 * MINUTE).toISOString(),
      });
      const id = await t.post(broadcaster, { text: 'see you tomorrow', broadcastId: scheduled });
      expect((await seeItOfPost(id)).status).toBe('UPCOMING');
      await t.ok(CANCEL, { id: scheduled }, broadcaster.token);
      expect((await seeItOfPost(id)).status).toBe('ENDED');
    });

    it('refuses to share a broadcast hidden from the author (NOT_FOUND), and changes nothing', async () => {
      const [broadcaster, stranger] = [await t.signUp(), await t.signUp()];
      const hidden = await startBroadcast(broadcaster, {
        title: 'Masterclass',
        visibility: 'FOLLOWERS',
      });
      const countPosts = () => t.sql('SELECT count(*)::int AS n FROM posts');
      const before = await countPosts();
      const result = await t.gql(
        CREATE_POST,
        { input: { text: 'sharing', broadcastId: hidden } },
        stranger.token,
      );
      expect(errorCode(result)).toBe('NOT_FOUND');
      const unknown = await t.gql(
        CREATE_POST,
        { input: { text: 'sharing', broadcastId: toGlobalId('Broadcast', '987654321') } },
        stranger.token,
      );
      expect(errorCode(unknown)).toBe('NOT_FOUND');
      const wrongType = await t.gql(
        CREATE_POST,
        { input: { text: 'sharing', broadcastId: toGlobalId('Post', '1') } },
        stranger.token,
      );
      expect(errorCode(wrongType)).toBe('BAD_USER_INPUT');
      expect(await countPosts()).toEqual(before);
    });

    it('shows a followers-only broadcast only to those who may see it', async () => {
      const [broadcaster, follower, stranger] = [
        await t.signUp(),
        await t.signUp(),
        await t.signUp(),
      ];
      await t.follow(follower, broadcaster);
      const closed = await startBroadcast(broadcaster, {
        title: 'Closed',
        visibility: 'FOLLOWERS',
      });
      const id = await t.post(broadcaster, { text: 'for my followers', broadcastId: closed });
      expect((await seeItOfPost(id, follower)).broadcast.id).toBe(closed);
      const seen = await t.ok(POST, { id }, stranger.token);
      expect(seen.post).toMatchObject({ broadcast: null, seeIt: null });
    });

    it('costs a constant number of statements for a page of 20 posts (DataLoader)', async () => {
      const partner = await withRole('PARTNER');
      async function readerOf(count: number): Promise<TestUser> {
        const reader = await t.signUp();
        for (let i = 0; i < count; i += 1) {
          const author = await t.signUp();
          await t.follow(reader, author);
          const show = await createShow(partner);
          await addAiring(partner, show.id, airingInput('A', -5 + i, 60));
          if (i % 3 === 0) {
            const live = await startBroadcast(author, { title: `live ${i}` });
            await t.post(author, { text: `sharing ${i}`, broadcastId: live });
          } else {
            await t.post(author, `#unrelated${i} then #${show.hashtag}`);
          }
          if (i % 4 === 0) await tap(reader, { showId: show.id, action: 'LATER' });
        }
        return reader;
      }
      async function statementsFor(reader: TestUser, first: number) {
        t.queries.reset();
        const data = await t.ok(HOME, { first }, reader.token);
        const buttons = data.homeTimeline.edges.map((e: any) => e.node.seeIt);
        expect(buttons.every((b: any) => b && b.links.length === 4)).toBe(true);
        return { count: t.queries.total, items: buttons.length };
      }
      const few = await statementsFor(await readerOf(2), 20);
      const lots = await statementsFor(await readerOf(16), 20);
      expect(few.items).toBeGreaterThanOrEqual(2);
      expect(lots.items).toBe(20);
      // Authenticate, the page, then See it's one statement for every button on it: bounded by
      // the query's shape, not by the page. A batch may split in two when answers arrive in
      // another order, hence the margin.
      expect(lots.count).toBeLessThanOrEqual(few.count + 3);
      expect(lots.count).toBeLessThanOrEqual(16);
    });
  });

  describe('the tap', () => {
    let partner: TestUser;
    let show: { id: string; slug: string; title: string };
    beforeAll(async () => {
      partner = await withRole('PARTNER');
      show = await createShow(partner, { slug: 'tap-show' });
      await addAiring(partner, show.id, airingInput('Ch 4', -5, 55));
    });

    it('returns the link of the action and records the tap', async () => {
      const viewer = await t.signUp();
      for (const [action, url] of [
        ['TV', `${APP_SCHEME}://tv/watch?show=tap-show&channel=Ch%204`],
        ['TABLET', `${APP_SCHEME}://tablet/watch?show=tap-show&channel=Ch%204`],
        ['MOBILE', `${APP_SCHEME}://mobile/watch?show=tap-show&channel=Ch%204`],
        ['WEB', `${PUBLIC_URL}/watch?show=tap-show&channel=Ch%204`],
      ]) {
        const result = await tap(viewer, { showId: show.id, action });
        expect(result.data.seeIt).toEqual({ url, savedForLater: false, sentToDevice: false });
      }
      const rows = await t.sql(
        `SELECT t.action, t.show_id, t.broadcast_id, t.created_at FROM see_it_taps t
         JOIN users u ON u.id = t.user_id WHERE u.handle = $1 ORDER BY t.id`,
        [viewer.handle],
      );
      expect(rows.map((r) => [r.action, r.show_id, r.broadcast_id])).toEqual(
        ['TV', 'TABLET', 'MOBILE', 'WEB'].map((a) => [a, rowId(show.id), null]),
      );
      expect(rows.every((r) => Date.now() - r.created_at.getTime() < 60_000)).toBe(true);
    });

    it('taps a broadcast: its link, no show counter', async () => {
      const [broadcaster, viewer] = [await t.signUp(), await t.signUp()];
      const live = await startBroadcast(broadcaster, { title: 'Tap me' });
      const before = await tapState();
      const result = await tap(viewer, { broadcastId: live, action: 'MOBILE' });
      expect(result.data.seeIt.url).toBe(`${APP_SCHEME}://mobile/watch?broadcast=${live}`);
      expect(await tapState()).toEqual({ ...before, taps: before.taps + 1 });
    });

    it.each([
      ['both ids', (s: string, b: string) => ({ showId: s, broadcastId: b, action: 'TV' })],
      ['neither id', () => ({ action: 'TV' })],
      ['a wrong id type', (s: string) => ({ showId: s.replace(/./, 'X'), action: 'TV' })],
    ])('refuses %s (BAD_USER_INPUT) and changes nothing', async (_name, input) => {
      const [broadcaster, viewer] = [await t.signUp(), await t.signUp()];
      const live = await startBroadcast(broadcaster, { title: 'Either' });
      const before = await tapState();
      expect(errorCode(await tap(viewer, input(show.id, live)))).toBe('BAD_USER_INPUT');
      expect(await tapState()).toEqual(before);
    });

    it('refuses an unknown action (BAD_USER_INPUT) and changes nothing', async () => {
      const viewer = await t.signUp();
      const before = await tapState();
      expect(errorCode(await tap(viewer, { showId: show.id, action: 'FRIDGE' }))).toBe(
        'BAD_USER_INPUT',
      );
      expect(await tapState()).toEqual(before);
    });

    it('refuses anonymous taps (UNAUTHENTICATED)', async () => {
      const result = await t.gql(TAP, { input: { showId: show.id, action: 'TV' } });
      expect(errorCode(result)).toBe('UNAUTHENTICATED');
    });

    it('answers NOT_FOUND for a hidden (followers-only) broadcast and an unknown show', async () => {
      const [broadcaster, stranger, blocked] = [
        await t.signUp(),
        await t.signUp(),
        await t.signUp(),
      ];
      const hidden = await startBroadcast(broadcaster, {
        title: 'Private',
        visibility: 'FOLLOWERS',
      });
      const before = await tapState();
      for (const action of ['TV', 'LATER']) {
        expect(errorCode(await tap(stranger, { broadcastId: hidden, action }))).toBe('NOT_FOUND');
      }
      // A public broadcast is hidden too from an account its broadcaster blocks.
      const blocker = await t.signUp();
      const publicOne = await startBroadcast(blocker, { title: 'Public' });
      await t.ok(BLOCK, { id: blocked.id }, blocker.token);
      expect(errorCode(await tap(blocked, { broadcastId: publicOne, action: 'TV' }))).toBe(
        'NOT_FOUND',
      );
      const unknown = await tap(stranger, {
        showId: toGlobalId('Show', '987654321'),
        action: 'TV',
      });
      expect(errorCode(unknown)).toBe('NOT_FOUND');
      expect(await tapState()).toEqual(before);
    });

    it("answers NOT_FOUND for someone else's device, and changes nothing", async () => {
      const [viewer, other] = [await t.signUp(), await t.signUp()];
      const { device, deviceToken } = await pair(other);
      const othersScreen = await screen(deviceToken);
      const before = await tapState();
      const result = await tap(viewer, { showId: show.id, action: 'TV', deviceId: device.id });
      expect(errorCode(result)).toBe('NOT_FOUND');
      const unknown = await tap(viewer, {
        showId: show.id,
        action: 'TV',
        deviceId: toGlobalId('Device', '987654321'),
      });
      expect(errorCode(unknown)).toBe('NOT_FOUND');
      expect(await tapState()).toEqual(before);
      // The owner's own send, of a broadcast, is the first command the screen gets.
      const broadcastId = await startBroadcast(other, { title: 'Marker' });
      await othersScreen.nothingBefore(
        () => tap(other, { broadcastId, action: 'TV', deviceId: device.id }),
        (data) => data.playCommands.broadcast?.id === broadcastId,
      );
    });

    it('refuses a device with LATER, which only saves (BAD_USER_INPUT)', async () => {
      const viewer = await t.signUp();
      const { device } = await pair(viewer);
      const before = await tapState();
      const result = await tap(viewer, { showId: show.id, action: 'LATER', deviceId: device.id });
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
      expect(await tapState()).toEqual(before);
    });

    it("sends the screen the link for its own kind, and a broadcast's command", async () => {
      const [viewer, broadcaster] = [await t.signUp(), await t.signUp()];
      const { device, deviceToken } = await pair(viewer, 'TABLET', 'Kitchen tablet');
      const tablet = await screen(deviceToken);
      await tap(viewer, { showId: show.id, action: 'TV', deviceId: device.id });
      expect((await tablet.nextData()).playCommands).toMatchObject({
        url: `${APP_SCHEME}://tablet/watch?show=tap-show&channel=Ch%204`,
        show: { slug: 'tap-show' },
      });
      const live = await startBroadcast(broadcaster, { title: 'On the tablet' });
      await tap(viewer, { broadcastId: live, action: 'TABLET', deviceId: device.id });
      expect((await tablet.nextData()).playCommands).toMatchObject({
        url: `${APP_SCHEME}://tablet/watch?broadcast=${live}`,
        title: 'On the tablet',
        show: null,
        broadcast: { id: live },
      });
    });

    it('saves LATER once however often it is tapped, and removes it on request', async () => {
      const [viewer, other] = [await t.signUp(), await t.signUp()];
      const broadcaster = await t.signUp();
      const live = await startBroadcast(broadcaster, { title: 'Later please' });
      await Promise.all([1, 2, 3].map(() => tap(viewer, { showId: show.id, action: 'LATER' })));
      await tap(viewer, { showId: show.id, action: 'LATER' });
      await tap(viewer, { broadcastId: live, action: 'LATER' });
      const entries = await t.sql(
        `SELECT w.show_id, w.broadcast_id FROM watch_later w JOIN users u ON u.id = w.user_id
         WHERE u.handle = $1 ORDER BY w.id`,
        [viewer.handle],
      );
      expect(entries).toEqual([
        { show_id: rowId(show.id), broadcast_id: null },
        { show_id: null, broadcast_id: rowId(live) },
      ]);

      const page1 = await t.ok(WATCH_LATER, { first: 1 }, viewer.token);
      expect(page1.watchLater.edges[0].node.seeIt).toEqual({
        title: 'Later please',
        status: 'LIVE',
        savedByViewer: true,
        show: null,
        broadcast: { id: live },
      });
      expect(page1.watchLater.pageInfo.hasNextPage).toBe(true);
      const page2 = await t.ok(
        WATCH_LATER,
        { first: 1, after: page1.watchLater.pageInfo.endCursor },
        viewer.token,
      );
      expect(page2.watchLater.edges[0].node.seeIt.show).toEqual({ slug: 'tap-show' });
      expect(page2.watchLater.pageInfo.hasNextPage).toBe(false);
      expect((await t.ok(WATCH_LATER, {}, other.token)).watchLater.edges).toEqual([]);

      const entryId = page2.watchLater.edges[0].node.id;
      expect(errorCode(await t.gql(REMOVE, { id: entryId }, other.token))).toBe('NOT_FOUND');
      expect(await t.ok(REMOVE, { id: entryId }, viewer.token)).toEqual({
        removeFromWatchLater: true,
      });
      expect(errorCode(await t.gql(REMOVE, { id: entryId }, viewer.token))).toBe('NOT_FOUND');
      const left = await t.ok(WATCH_LATER, {}, viewer.token);
      expect(left.watchLater.edges.map((e: any) => e.node.seeIt.broadcast)).toEqual([{ id: live }]);
    });

    it('leaves out of watchLater what the viewer can no longer see', async () => {
      const [viewer, broadcaster] = [await t.signUp(), await t.signUp()];
      const live = await startBroadcast(broadcaster, { title: 'Soon hidden' });
      await tap(viewer, { broadcastId: live, action: 'LATER' });
      await t.ok(BLOCK, { id: viewer.id }, broadcaster.token);
      expect((await t.ok(WATCH_LATER, {}, viewer.token)).watchLater.edges).toEqual([]);
    });
  });

  describe('stats', () => {
    it('count every tap exactly, under concurrency, for the owner and admins only', async () => {
      const [owner, stranger, otherPartner, admin] = [
        await withRole('PARTNER'),
        await t.signUp(),
        await withRole('PARTNER'),
        await withRole('ADMIN'),
      ];
      const show = await createShow(owner);
      const tappers = await Promise.all([1, 2, 3, 4].map(() => t.signUp()));
      const actions = ['TV', 'TV', 'WEB', 'MOBILE', 'LATER'];
      await Promise.all(
        tappers.flatMap((user) =>
          [...actions, ...actions].map((action) => tap(user, { showId: show.id, action })),
        ),
      );
      const expected = [
        { action: 'TV', taps: 16 },
        { action: 'TABLET', taps: 0 },
        { action: 'MOBILE', taps: 8 },
        { action: 'WEB', taps: 8 },
        { action: 'LATER', taps: 8 },
      ];
      for (const reader of [owner, admin]) {
        expect((await t.ok(STATS, { slug: show.slug }, reader.token)).show.seeItStats).toEqual(
          expected,
        );
      }
      const raw = await t.sql(
        'SELECT action, count(*)::int AS taps FROM see_it_taps WHERE show_id = $1 GROUP BY action',
        [rowId(show.id)],
      );
      expect(Object.fromEntries(raw.map((r) => [r.action, r.taps]))).toEqual({
        TV: 16,
        MOBILE: 8,
        WEB: 8,
        LATER: 8,
      });
      for (const reader of [stranger, otherPartner]) {
        const result = await t.gql(STATS, { slug: show.slug }, reader.token);
        expect(errorCode(result)).toBe('FORBIDDEN');
        expect(result.errors?.[0].path).toEqual(['show', 'seeItStats']);
      }
      expect(errorCode(await t.gql(STATS, { slug: show.slug }))).toBe('UNAUTHENTICATED');
    });

    it('reads counter rows, never the raw taps', async () => {
      const owner = await withRole('PARTNER');
      const show = await createShow(owner);
      await tap(owner, { showId: show.id, action: 'TV' });
      t.queries.reset();
      await t.ok(STATS, { slug: show.slug }, owner.token);
      expect(t.queries.statements.some((sql) => /see_it_tap_counts/.test(sql))).toBe(true);
      expect(t.queries.statements.some((sql) => /see_it_taps\b/.test(sql))).toBe(false);
    });
  });

  describe('paired screens', () => {
    it('returns the token once and stores only its SHA-256', async () => {
      const [owner, other] = [await t.signUp(), await t.signUp()];
      const { device, deviceToken } = await pair(owner, 'MOBILE', '  Phone  ');
      expect(device).toMatchObject({ name: 'Phone', kind: 'MOBILE' });
      expect(deviceToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const [row] = await t.sql('SELECT token_hash FROM devices WHERE id = $1', [rowId(device.id)]);
      expect(row.token_hash).toBe(sha256(deviceToken));
      expect(JSON.stringify(await t.sql('SELECT * FROM devices'))).not.toContain(deviceToken);
      expect((await t.ok(DEVICES, {}, owner.token)).devices).toEqual([
        { id: device.id, name: 'Phone', kind: 'MOBILE' },
      ]);
      expect((await t.ok(DEVICES, {}, other.token)).devices).toEqual([]);
      expect((await t.ok(NODE, { id: device.id }, owner.token)).node).toMatchObject({
        name: 'Phone',
      });
      expect((await t.ok(NODE, { id: device.id }, other.token)).node).toBeNull();
      const bad = await t.gql(PAIR, { name: ' ', kind: 'TV' }, owner.token);
      expect(errorCode(bad)).toBe('BAD_USER_INPUT');
      expect(errorCode(await t.gql(PAIR, { name: 'x', kind: 'FRIDGE' }, owner.token))).toBe(
        'BAD_USER_INPUT',
      );
    });

    it('closes the socket of a forged token (4403)', async () => {
      const forged = await quietly(async () => {
        const sub = await screen('A'.repeat(43));
        await until(
          () => sub.isEnded,
          (ended) => ended,
        );
        return sub;
      });
      expect(forged.closeCode).toBe(4403);
    });

    it('refuses playCommands without a device (UNAUTHENTICATED)', async () => {
      const member = await t.signUp();
      const sub = await t.subscribe(PLAY, {}, member.token);
      subscriptions.push(sub);
      expect(errorCode(await sub.next())).toBe('UNAUTHENTICATED');
    });

    it("unpairs only one's own device, closes its open socket and revokes its token", async () => {
      const [owner, other] = [await t.signUp(), await t.signUp()];
      const { device, deviceToken } = await pair(owner);
      const tv = await screen(deviceToken);
      expect(errorCode(await t.gql(UNPAIR, { id: device.id }, other.token))).toBe('NOT_FOUND');
      await tap(owner, {
        showId: (await createShow(await withRole('PARTNER'))).id,
        action: 'TV',
        deviceId: device.id,
      });
      await tv.nextData();

      await quietly(async () => {
        expect(await t.ok(UNPAIR, { id: device.id }, owner.token)).toEqual({ unpairDevice: true });
        await until(
          () => tv.isEnded,
          (ended) => ended,
        );
        expect(tv.closeCode).toBe(4403);
        const revoked = await screen(deviceToken);
        await until(
          () => revoked.isEnded,
          (ended) => ended,
        );
        expect(revoked.closeCode).toBe(4403);
      });
      expect((await t.ok(DEVICES, {}, owner.token)).devices).toEqual([]);
      expect(errorCode(await t.gql(UNPAIR, { id: device.id }, owner.token))).toBe('NOT_FOUND');
    });

    it('pairs at most 50 devices per account (CONFLICT)', async () => {
      const owner = await t.signUp();
      for (let i = 0; i < 50; i += 1) await pair(owner, 'WEB', `screen ${i}`);
      const result = await t.gql(PAIR, { name: 'one too many', kind: 'TV' }, owner.token);
      expect(errorCode(result)).toBe('CONFLICT');
      expect((await t.ok(DEVICES, {}, owner.token)).devices).toHaveLength(50);
    });
  });

  describe('a show is its owner’s content: hidden from the accounts the owner blocks', () => {
    const OWNER = `query($slug: String!) { show(slug: $slug) { slug owner { handle bio } } }`;
    const ALL_SHOWS = `{ shows(first: 100) { edges { node { slug owner { handle } } } } }`;
    let partner: TestUser;
    let blocked: TestUser;
    let bystander: TestUser;
    let show: { id: string; slug: string; hashtag: string };
    let postId: string;
    beforeAll(async () => {
      partner = await withRole('PARTNER');
      [blocked, bystander] = [await t.signUp(), await t.signUp()];
      show = await createShow(partner);
      await addAiring(partner, show.id, airingInput('NBC', -5, 55));
      postId = await t.post(bystander, `watching #${show.hashtag}`);
      await t.ok(BLOCK, { id: blocked.id }, partner.token);
    });
    const slugs = async (viewer?: TestUser) =>
      ((await t.ok(ALL_SHOWS, {}, viewer?.token)).shows.edges as { node: { slug: string } }[]).map(
        (edge) => edge.node.slug,
      );

    it('show(slug) answers NOT_FOUND, and Show.owner is never reached', async () => {
      const result = await t.gql(OWNER, { slug: show.slug }, blocked.token);
      expect(errorCode(result)).toBe('NOT_FOUND');
      expect(result.data?.show).toBeNull();
      expect(JSON.stringify(result)).not.toContain(partner.handle);
      const seen = await t.ok(OWNER, { slug: show.slug }, bystander.token);
      expect(seen.show.owner.handle).toBe(partner.handle);
    });

    it('shows leaves it out; node(id) is null', async () => {
      expect(await slugs(blocked)).not.toContain(show.slug);
      expect(await slugs(bystander)).toContain(show.slug);
      expect(await slugs()).toContain(show.slug);
      expect((await t.ok(NODE, { id: show.id }, blocked.token)).node).toBeNull();
      expect((await t.ok(NODE, { id: show.id }, bystander.token)).node.slug).toBe(show.slug);
    });

    it('a post with its hashtag carries no button for them', async () => {
      expect(await seeItOfPost(postId, blocked)).toBeNull();
      expect((await seeItOfPost(postId, bystander)).show.slug).toBe(show.slug);
    });

    it('its conversation cannot be followed, and it cannot be tapped or saved (NOT_FOUND)', async () => {
      const sub = await t.subscribe(CONVERSATION_ADDED, { showId: show.id }, blocked.token);
      subscriptions.push(sub);
      expect(errorCode(await sub.next())).toBe('NOT_FOUND');
      const before = await tapState();
      for (const action of ['TV', 'LATER']) {
        expect(errorCode(await tap(blocked, { showId: show.id, action }))).toBe('NOT_FOUND');
      }
      expect(await tapState()).toEqual(before);
    });
  });

  describe('the live conversation', () => {
    it('shows a post about a show on air at once, newest first, and pushes it to subscribers', async () => {
      const partner = await withRole('PARTNER');
      const show = await createShow(partner, { slug: 'chatty', hashtag: 'Chatty' });
      await addAiring(partner, show.id, airingInput('Ch', -5, 55));
      const [fan, other, blocked] = [await t.signUp(), await t.signUp(), await t.signUp()];
      await t.ok(BLOCK, { id: blocked.id }, fan.token);
      const live = await t.subscribe(CONVERSATION_ADDED, { showId: show.id }, other.token);
      const hidden = await t.subscribe(CONVERSATION_ADDED, { showId: show.id }, blocked.token);
      subscriptions.push(live, hidden);

      await t.post(fan, 'first #chatty');
      await t.post(other, 'unrelated #elsewhere');
      await t.post(fan, 'second #CHATTY');
      const read = await t.ok(CONVERSATION, { slug: 'chatty', first: 1 });
      expect(read.show.conversation.edges.map((e: any) => e.node.text)).toEqual(['second #CHATTY']);
      const next = await t.ok(CONVERSATION, {
        slug: 'chatty',
        after: read.show.conversation.pageInfo.endCursor,
      });
      expect(next.show.conversation.edges.map((e: any) => e.node.text)).toEqual(['first #chatty']);
      expect(next.show.conversation.pageInfo.hasNextPage).toBe(false);

      for (const text of ['first #chatty', 'second #CHATTY']) {
        expect((await live.nextData()).showConversation).toEqual({
          text,
          author: { handle: fan.handle },
          seeIt: { show: { slug: 'chatty' } },
        });
      }
      const forBlocked = await t.ok(CONVERSATION, { slug: 'chatty' }, blocked.token);
      expect(forBlocked.show.conversation.edges).toEqual([]);
      // The next post about the show reaches the blocked account; the fan's did not.
      await hidden.nothingBefore(
        () => t.post(other, 'marker #chatty'),
        (data) => data.showConversation.text === 'marker #chatty',
      );
      const unknown = await t.subscribe(CONVERSATION_ADDED, {
        showId: toGlobalId('Show', '987654321'),
      });
      subscriptions.push(unknown);
      expect(errorCode(await unknown.next())).toBe('NOT_FOUND');
    });
  });
});

/** The database id inside a global id ("Show:12" -> "12"). */
function rowId(globalId: string): string {
  return Buffer.from(globalId, 'base64url').toString().split(':')[1];
}

/** `minutes` long, starting at `from`. */
function span(from: Date, minutes: number): { startsAt: string; endsAt: string } {
  return {
    startsAt: from.toISOString(),
    endsAt: new Date(from.getTime() + minutes * MINUTE).toISOString(),
  };
}

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = new URL(REDIS_URL);
const redisAvailable = serviceAvailable(
  'Redis',
  tcpReachable(redis.hostname, Number(redis.port || 6379)),
  `Start one on ${REDIS_URL} (Debian: apt-get install redis-server) or set TEST_REDIS_URL.`,
);

/** A tap served by one API process reaches the screen connected to another, through Redis. */
(redisAvailable ? describe : describe.skip)('See it across two API instances sharing Redis', () => {
  let a: TestApp;
  let b: { app: NestExpressApplication; url: string };
  beforeAll(async () => {
    a = await TestApp.start({ REDIS_URL, APP_SCHEME, PUBLIC_URL });
    b = await a.startSibling({ REDIS_URL });
  });
  afterAll(async () => {
    await b?.app.close();
    await a?.close();
  });

  it('delivers a play command tapped on A to the screen on B, and closes it when unpaired', async () => {
    const partner = await a.signUp();
    await a.sql("UPDATE users SET role = 'PARTNER' WHERE handle = $1", [partner.handle]);
    const show = (
      await a.ok(
        CREATE_SHOW,
        { input: { slug: 'two-sides', title: 'Two sides', network: 'N', hashtag: 'TwoSides' } },
        partner.token,
      )
    ).createShow;
    const viewer = await a.signUp();
    const { device, deviceToken } = (await a.ok(PAIR, { name: 'TV', kind: 'TV' }, viewer.token))
      .pairDevice;
    const onB = await TestSubscription.open<{ playCommands: { url: string; title: string } }>(
      `${b.url.replace('http', 'ws')}/graphql`,
      PLAY,
      {},
      { deviceToken },
    );
    try {
      await a.ok(
        TAP,
        { input: { showId: show.id, action: 'TV', deviceId: device.id } },
        viewer.token,
      );
      expect((await onB.nextData()).playCommands).toMatchObject({
        url: `${APP_SCHEME}://tv/watch?show=two-sides`,
        title: 'Two sides',
      });
      const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      try {
        await a.ok(UNPAIR, { id: device.id }, viewer.token);
        await until(
          () => onB.isEnded,
          (ended) => ended,
        );
        expect(onB.closeCode).toBe(4403);
      } finally {
        quiet.mockRestore();
      }
    } finally {
      await onB.close();
    }
  });
});
