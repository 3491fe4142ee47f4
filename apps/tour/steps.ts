import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { TourClient, TourSubscription } from './client';

/**
 * The tour of the README, step by step, asserting what each step answers. `npm run tour` runs it
 * against a running service and test/tour.e2e-spec.ts against the test app: one source for both.
 */
export interface TourStep {
  readonly title: string;
  run(tour: Tour): Promise<void>;
}

interface Account {
  id: string;
  handle: string;
  token: string;
}

/** What the steps learn and keep open as they go. */
export class Tour {
  /** Handles end with a random suffix, so the tour can run again against the same service. */
  readonly suffix = randomBytes(3).toString('hex');
  readonly accounts: Record<string, Account> = {};
  postId = '';
  broadcastId = '';
  deviceId = '';
  deviceToken = '';
  /** The cursor of the last timeline update Ana applied: her resume point. */
  lastCursor = '';
  updates?: TourSubscription<any>;
  events?: TourSubscription<any>;
  screen?: TourSubscription<any>;

  constructor(readonly client: TourClient) {}

  account(name: string): Account {
    return this.accounts[name];
  }

  /** connection_init payload of an account's websocket. */
  socketAuth(name: string): Record<string, string> {
    return { authorization: `Bearer ${this.account(name).token}` };
  }
}

const SIGN_UP = `mutation SignUp($input: SignUpInput!) {
  signUp(input: $input) { token user { id handle } }
}`;

const TIMELINE_UPDATES = `subscription TimelineUpdates($after: String) {
  timelineUpdates(after: $after) {
    kind cursor itemId
    item { ... on Post { text } ... on Broadcast { title status } }
  }
}`;

async function nextUpdate(tour: Tour, kind: string, itemId: string): Promise<any> {
  const data = await tour.updates!.receiveMatching(
    ({ timelineUpdates: update }) => update.kind === kind && update.itemId === itemId,
  );
  tour.lastCursor = data.timelineUpdates.cursor;
  return data.timelineUpdates;
}

export const TOUR: readonly TourStep[] = [
  {
    title: 'sign up Ana and Bob',
    async run(tour) {
      for (const name of ['ana', 'bob']) {
        const handle = `${name}_${tour.suffix}`;
        const { signUp } = await tour.client.request(SIGN_UP, {
          input: { handle, email: `${handle}@example.com`, password: 'correct horse battery' },
        });
        assert.equal(signUp.user.handle, handle);
        tour.accounts[name] = { id: signUp.user.id, handle, token: signUp.token };
      }
      const { me } = await tour.client.request('{ me { handle } }', {}, tour.account('ana').token);
      assert.equal(me.handle, tour.account('ana').handle);
    },
  },
  {
    title: 'Ana follows Bob',
    async run(tour) {
      const { follow } = await tour.client.request(
        'mutation Follow($userId: ID!) { follow(userId: $userId) { followersCount viewerFollows } }',
        { userId: tour.account('bob').id },
        tour.account('ana').token,
      );
      assert.deepEqual(follow, { followersCount: 1, viewerFollows: true });
    },
  },
  {
    title: "Ana opens her timeline's live updates; Bob posts and she gets ADDED",
    async run(tour) {
      tour.updates = await tour.client.subscribe(TIMELINE_UPDATES, {}, tour.socketAuth('ana'));
      const { createPost } = await tour.client.request(
        'mutation CreatePost($input: CreatePostInput!) { createPost(input: $input) { id hashtags } }',
        { input: { text: 'Going live from the studio tonight #seeit' } },
        tour.account('bob').token,
      );
      assert.deepEqual(createPost.hashtags, ['seeit']);
      tour.postId = createPost.id;
      const update = await nextUpdate(tour, 'ADDED', tour.postId);
      assert.equal(update.item.text, 'Going live from the studio tonight #seeit');
    },
  },
  {
    title: "Bob's post is in Ana's home timeline",
    async run(tour) {
      const { homeTimeline } = await tour.client.request(
        `query Home { homeTimeline(first: 10) {
          edges { node { ... on Post { id author { handle } } } }
          pageInfo { hasNextPage endCursor }
        } }`,
        {},
        tour.account('ana').token,
      );
      assert.deepEqual(homeTimeline.edges[0].node, {
        id: tour.postId,
        author: { handle: tour.account('bob').handle },
      });
      assert.equal(homeTimeline.pageInfo.hasNextPage, false);
    },
  },
  {
    title: 'Bob goes live and NOW_LIVE reaches Ana over graphql-ws',
    async run(tour) {
      const { startBroadcast } = await tour.client.request(
        `mutation GoLive($input: StartBroadcastInput!) {
          startBroadcast(input: $input) { id status ingest { rtmpUrl streamKey } }
        }`,
        { input: { title: 'Studio Q&A' } },
        tour.account('bob').token,
      );
      assert.equal(startBroadcast.status, 'LIVE');
      assert.ok(startBroadcast.ingest.streamKey, 'the broadcaster gets a stream key');
      tour.broadcastId = startBroadcast.id;
      const update = await nextUpdate(tour, 'NOW_LIVE', tour.broadcastId);
      assert.deepEqual(update.item, { title: 'Studio Q&A', status: 'LIVE' });
    },
  },
  {
    title: 'Ana joins, comments and sends hearts; broadcastEvents pushes each',
    async run(tour) {
      const ana = tour.account('ana');
      tour.events = await tour.client.subscribe(
        `subscription Events($broadcastId: ID!) {
          broadcastEvents(broadcastId: $broadcastId) { kind viewerCount heartCount comment { text } }
        }`,
        { broadcastId: tour.broadcastId },
        tour.socketAuth('ana'),
      );
      const { joinBroadcast } = await tour.client.request(
        'mutation Join($id: ID!) { joinBroadcast(id: $id) { viewerCount } }',
        { id: tour.broadcastId },
        ana.token,
      );
      assert.equal(joinBroadcast.viewerCount, 1);
      await tour.client.request(
        'mutation Comment($broadcastId: ID!, $text: String!) { postComment(broadcastId: $broadcastId, text: $text) { id } }',
        { broadcastId: tour.broadcastId, text: 'Hello from Ana!' },
        ana.token,
      );
      const { broadcastEvents: comment } = await tour.events.receiveMatching(
        ({ broadcastEvents: event }) => event.kind === 'COMMENT',
      );
      assert.equal(comment.comment.text, 'Hello from Ana!');
      await tour.client.request(
        'mutation Hearts($broadcastId: ID!, $count: Int) { sendHearts(broadcastId: $broadcastId, count: $count) }',
        { broadcastId: tour.broadcastId, count: 25 },
        ana.token,
      );
      const { broadcastEvents: hearts } = await tour.events.receiveMatching(
        ({ broadcastEvents: event }) => event.kind === 'HEARTS',
      );
      assert.equal(hearts.heartCount, 25);
    },
  },
  {
    title: "Bob shares the broadcast; Ana's timeline shows its See it button",
    async run(tour) {
      const { createPost } = await tour.client.request(
        'mutation Share($input: CreatePostInput!) { createPost(input: $input) { id } }',
        { input: { text: 'Join me now', broadcastId: tour.broadcastId } },
        tour.account('bob').token,
      );
      await nextUpdate(tour, 'ADDED', createPost.id);
      const { post } = await tour.client.request(
        'query Button($id: ID!) { post(id: $id) { seeIt { title status links { target url } } } }',
        { id: createPost.id },
        tour.account('ana').token,
      );
      assert.equal(post.seeIt.title, 'Studio Q&A');
      assert.equal(post.seeIt.status, 'LIVE');
      assert.deepEqual(
        post.seeIt.links.map((link: { target: string }) => link.target),
        ['TV', 'TABLET', 'MOBILE', 'WEB'],
      );
    },
  },
  {
    title: "Ana pairs her TV; tapping See it TV plays it on the screen's playCommands",
    async run(tour) {
      const ana = tour.account('ana');
      const { pairDevice } = await tour.client.request(
        'mutation Pair($name: String!, $kind: SeeItTarget!) { pairDevice(name: $name, kind: $kind) { device { id } deviceToken } }',
        { name: 'Living room TV', kind: 'TV' },
        ana.token,
      );
      tour.deviceId = pairDevice.device.id;
      tour.screen = await tour.client.subscribe(
        'subscription Screen { playCommands { url title } }',
        {},
        { deviceToken: pairDevice.deviceToken },
      );
      const { seeIt } = await tour.client.request(
        'mutation Tap($input: SeeItInput!) { seeIt(input: $input) { url sentToDevice } }',
        { input: { broadcastId: tour.broadcastId, action: 'TV', deviceId: tour.deviceId } },
        ana.token,
      );
      assert.equal(seeIt.sentToDevice, true);
      const { playCommands } = await tour.screen.receive();
      assert.deepEqual(playCommands, { url: seeIt.url, title: 'Studio Q&A' });
    },
  },
  {
    title: 'Ana saves it for later; it is in her watch-later list',
    async run(tour) {
      const ana = tour.account('ana');
      const { seeIt } = await tour.client.request(
        'mutation Later($input: SeeItInput!) { seeIt(input: $input) { url savedForLater } }',
        { input: { broadcastId: tour.broadcastId, action: 'LATER' } },
        ana.token,
      );
      assert.deepEqual(seeIt, { url: null, savedForLater: true });
      const { watchLater } = await tour.client.request(
        'query WatchLater { watchLater(first: 10) { edges { node { seeIt { title savedByViewer } } } } }',
        {},
        ana.token,
      );
      assert.deepEqual(
        watchLater.edges.map((edge: any) => edge.node.seeIt),
        [{ title: 'Studio Q&A', savedByViewer: true }],
      );
    },
  },
  {
    title: 'Ana goes offline, Bob ends the broadcast; resuming after her cursor brings ENDED',
    async run(tour) {
      await tour.client.close();
      const { endBroadcast } = await tour.client.request(
        'mutation End($id: ID!) { endBroadcast(id: $id) { status } }',
        { id: tour.broadcastId },
        tour.account('bob').token,
      );
      assert.equal(endBroadcast.status, 'ENDED');
      tour.updates = await tour.client.subscribe(
        TIMELINE_UPDATES,
        { after: tour.lastCursor },
        tour.socketAuth('ana'),
      );
      const update = await nextUpdate(tour, 'ENDED', tour.broadcastId);
      assert.deepEqual(update.item, { title: 'Studio Q&A', status: 'ENDED' });
      await tour.client.close();
    },
  },
];
