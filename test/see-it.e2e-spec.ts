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
const FOLLOW = `mutation($id: ID!) { follow(userId: $id) { id } }`;
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
// Post.seeIt is nullable and Broadcast.seeIt is not: in one selection they need different names.
const HOME = `query($first: Int) { homeTimeline(first: $first) { edges { node {
  ... on Post { text seeIt { ${SEE_IT_FIELDS} } }
  ... on Broadcast { title card: seeIt { ${SEE_IT_FIELDS} } } } } } }`;

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
  const post = async (author: TestUser, text: string, broadcastId?: string): Promise<string> =>
    (await t.ok(CREATE_POST, { input: { text, broadcastId } }, author.token)).createPost.id;
  const startBroadcast = async (
    broadcaster: TestUser,
    input: { title: string; visibility?: string; scheduledFor?: string },
  ): Promise<string> => (await t.ok(START, { input }, broadcaster.token)).startBroadcast.id;
  const follow = (follower: TestUser, followee: TestUser) =>
    t.ok(FOLLOW, { id: followee.id }, follower.token);
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
      await follow(reader, poster);
      await post(poster, 'watching #TheShow');
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
});
