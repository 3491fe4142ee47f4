import { GraphQLSchemaHost } from '@nestjs/graphql';
import { GraphQLObjectType } from 'graphql';
import { parseGlobalId, toGlobalId } from '@app/common';
import { AsyncQueue } from '@app/realtime';
import { TestApp, TestOperation, TestUser, webOperation } from '@app/testing';
import { TimelineItemKind, TimelineUpdateKind } from '@app/timeline';
import { LogEntry } from '@app/timeline/timeline-updates.repository';
import { DeliveryRound, TimelineItemDelivery } from '@app/timeline/live/timeline-item-delivery';
import { TimelineDelivery, TimelineSink } from '@app/timeline/live/timeline-sinks';

/**
 * A pushed timeline update is rendered once for all its recipients when the operation selects no
 * per-viewer field, and per recipient, with the per-viewer facts read in batch, when it does.
 * Either way each recipient gets exactly what it would get alone.
 */

const SHARED = `subscription {
  timelineUpdates { kind cursor itemId item { __typename ... on Post { id text author { handle } } } }
}`;

const PER_VIEWER = `subscription {
  timelineUpdates {
    kind cursor itemId
    item {
      ... on Post {
        id
        text
        viewerHasLiked
        author { handle viewerFollows viewerNotifiedWhenLive }
        replyTo { id viewerHasLiked }
      }
    }
  }
}`;

const BROADCAST_CARD = `subscription {
  timelineUpdates { kind cursor item { ... on Broadcast { id title status broadcaster { handle } } } }
}`;

interface Update {
  kind: string;
  cursor: string;
  itemId: string | null;
  item: Record<string, any> | null;
}

type Updates = { timelineUpdates: Update };

/** Counts the calls of one field's resolver in the app's schema. */
function countCalls(t: TestApp, type: string, field: string): { calls: number } {
  const schema = t.app.get(GraphQLSchemaHost).schema;
  const definition = (schema.getType(type) as GraphQLObjectType).getFields()[field];
  const counter = { calls: 0 };
  const resolve = definition.resolve!;
  definition.resolve = (...args) => {
    counter.calls += 1;
    return resolve(...args);
  };
  return counter;
}

/** The next `next` payload of a socket operation. */
async function nextOf<T>(op: TestOperation<T>, index: number): Promise<T> {
  await op.until((o) => o.results.length > index || o.errors !== undefined);
  expect(op.errors).toBeUndefined();
  expect(op.results[index].errors).toBeUndefined();
  return op.results[index].data as T;
}

describe('timelineUpdates rendered once per event', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.close());

  it('gives each recipient its own per-viewer fields, and the shared ones rendered once', async () => {
    const [writer, notified, quiet, liker] = [
      await t.signUp(),
      await t.signUp(),
      await t.signUp(),
      await t.signUp(),
    ];
    await t.follow(notified, writer, true);
    await t.follow(quiet, writer, false);
    await t.follow(liker, writer, false);
    const original = await t.post(writer, 'the original');
    await t.ok(`mutation($id: ID!) { likePost(id: $id) { id } }`, { id: original }, liker.token);

    const perViewer = await Promise.all(
      [writer, notified, quiet, liker].map((user) =>
        t.subscribe<Updates>(PER_VIEWER, {}, user.token),
      ),
    );
    const shared = await Promise.all(
      [writer, notified, quiet].map((user) => t.subscribe<Updates>(SHARED, {}, user.token)),
    );
    const authors = countCalls(t, 'Post', 'author');
    const reply = await t.post(writer, { text: 'a reply', replyToId: original });

    const [own, ofNotified, ofQuiet, ofLiker] = await Promise.all(
      perViewer.map(async (sub) => (await sub.nextData()).timelineUpdates),
    );
    const base = { kind: 'ADDED', itemId: reply, item: { id: reply, text: 'a reply' } };
    expect(own).toMatchObject(base);
    expect(own.item).toMatchObject({
      viewerHasLiked: false,
      author: { handle: writer.handle, viewerFollows: false, viewerNotifiedWhenLive: false },
      replyTo: { id: original, viewerHasLiked: false },
    });
    expect(ofNotified.item).toMatchObject({
      author: { viewerFollows: true, viewerNotifiedWhenLive: true },
      replyTo: { viewerHasLiked: false },
    });
    expect(ofQuiet.item).toMatchObject({
      author: { viewerFollows: true, viewerNotifiedWhenLive: false },
      replyTo: { viewerHasLiked: false },
    });
    expect(ofLiker.item).toMatchObject({
      author: { viewerFollows: true, viewerNotifiedWhenLive: false },
      replyTo: { viewerHasLiked: true },
    });

    const sharedUpdates = await Promise.all(
      shared.map(async (sub) => (await sub.nextData()).timelineUpdates),
    );
    // The same viewer's cursor, whichever way the update was rendered.
    expect(sharedUpdates.map((u) => u.cursor)).toEqual(
      [own, ofNotified, ofQuiet].map((u) => u.cursor),
    );
    expect(new Set(sharedUpdates.map((u) => u.cursor)).size).toBe(3);
    for (const update of sharedUpdates) {
      expect(update).toEqual({
        kind: 'ADDED',
        cursor: update.cursor,
        itemId: reply,
        item: { __typename: 'Post', id: reply, text: 'a reply', author: { handle: writer.handle } },
      });
    }
    // Four per-viewer renderings and one shared one.
    expect(authors.calls).toBe(5);
    await Promise.all([...perViewer, ...shared].map((sub) => sub.close()));
  });

  it("reads the web app's per-viewer fields for all of an event's recipients at once", async () => {
    const UPDATES = webOperation('timeline.graphql', 'TimelineUpdates');
    const RECIPIENTS = 8;
    const partner = await t.signUp();
    await t.sql(`UPDATE users SET role = 'PARTNER' WHERE id = $1`, [
      parseGlobalId(partner.id, 'User'),
    ]);
    await t.ok(
      `mutation($input: CreateShowInput!) { createShow(input: $input) { id } }`,
      { input: { slug: 'rendered', hashtag: 'rendered', title: 'Rendered', network: 'Net' } },
      partner.token,
    );
    const writer = await t.signUp();
    const followers = await Promise.all(Array.from({ length: RECIPIENTS }, () => t.signUp()));
    for (const follower of followers) await t.follow(follower, writer);
    const live = await t.ok(
      `mutation { startBroadcast(input: { title: "shared" }) { id } }`,
      {},
      writer.token,
    );
    const subs = await Promise.all(
      followers.map((user) => t.subscribe<Updates>(UPDATES, {}, user.token)),
    );
    // The first post warms every path.
    await t.post(writer, 'warm-up');
    for (const sub of subs) await sub.nextData();
    t.queries.reset();
    const posts = [
      { text: 'watch this', broadcastId: live.startBroadcast.id },
      { text: 'tonight #rendered' },
    ];
    for (const input of posts) {
      await t.post(writer, input);
      for (const sub of subs) {
        const update = (await sub.nextData()).timelineUpdates;
        expect(update.item).toMatchObject(
          input.broadcastId
            ? {
                viewerHasLiked: false,
                broadcast: { seeIt: { savedByViewer: false } },
                seeIt: { savedByViewer: false, broadcast: { id: input.broadcastId } },
              }
            : { seeIt: { title: 'Rendered', savedByViewer: false, show: { slug: 'rendered' } } },
        );
      }
    }
    // Each per-viewer fact is one statement per delivery for all its recipients (a delivery may
    // come in two reads when a log read lands beside the post's commit), never one per recipient.
    const perViewer = {
      likes: 'FROM post_likes',
      bans: 'FROM broadcast_bans',
      seeIt: 'AS viewer_id, subject.broadcast_id',
    };
    for (const marker of Object.values(perViewer)) {
      const reads = t.queries.statements.filter((sql) => sql.includes(marker));
      expect(reads.length).toBeGreaterThanOrEqual(1);
      expect(reads.length).toBeLessThanOrEqual(2 * posts.length);
    }
    await Promise.all(subs.map((sub) => sub.close()));
  });

  it('fetches an item and makes its event once for all the chunks of a read', async () => {
    const [writer, first, second] = [await t.signUp(), await t.signUp(), await t.signUp()];
    const postId = parseGlobalId(await t.post(writer, 'one read, two chunks'), 'Post');
    const row: LogEntry = {
      xid: 1n,
      id: 1n,
      ownerId: null,
      authorId: parseGlobalId(writer.id, 'User'),
      kind: TimelineUpdateKind.ADDED,
      itemKind: TimelineItemKind.POST,
      itemId: postId,
    };
    const sinkOf = (user: TestUser): TimelineSink => ({
      viewerId: parseGlobalId(user.id, 'User'),
      last: { xid: 0n, id: 0n, snapshot: null },
      pullAuthors: new Set(),
      queue: new AsyncQueue<TimelineDelivery>(() => undefined),
      closed: false,
    });
    const sinks = [sinkOf(first), sinkOf(second)];
    const delivery = t.app.get(TimelineItemDelivery);
    const round = new DeliveryRound();
    t.queries.reset();
    for (const sink of sinks) delivery.push(round, await delivery.resolve(round, [[sink, row]]));

    expect(t.queries.statements.filter((sql) => sql.includes('FROM posts p')).length).toBe(1);
    const delivered = await Promise.all(sinks.map(async (sink) => (await sink.queue.next()).value));
    expect(delivered.map((d: TimelineDelivery) => d.update.itemId)).toEqual([
      toGlobalId('Post', postId),
      toGlobalId('Post', postId),
    ]);
    expect(delivered[0].shared).toBeDefined();
    expect(delivered[1].shared).toBe(delivered[0].shared);
  });

  it('sends no card to a viewer the broadcaster blocked, and the same card to the others', async () => {
    const [broadcaster, fan, blocked, friend] = [
      await t.signUp(),
      await t.signUp(),
      await t.signUp(),
      await t.signUp(),
    ];
    await t.follow(fan, broadcaster);
    await t.follow(blocked, broadcaster);
    await t.follow(blocked, friend);
    const [ofFan, ofBlocked] = await Promise.all(
      [fan, blocked].map((user) => t.subscribe<Updates>(BROADCAST_CARD, {}, user.token)),
    );
    const started = await t.ok(
      `mutation { startBroadcast(input: { title: "on air" }) { id } }`,
      {},
      broadcaster.token,
    );
    const id = started.startBroadcast.id as string;
    for (const sub of [ofFan, ofBlocked]) {
      expect((await sub.nextData()).timelineUpdates).toMatchObject({
        kind: 'NOW_LIVE',
        item: { id, status: 'LIVE', broadcaster: { handle: broadcaster.handle } },
      });
    }
    // A block that lands while the card is in the timeline: the row stays, the viewer sees nothing.
    await t.sql(`INSERT INTO blocks (blocker_id, blocked_id) VALUES ($1, $2)`, [
      parseGlobalId(broadcaster.id, 'User'),
      parseGlobalId(blocked.id, 'User'),
    ]);
    await t.ok(`mutation($id: ID!) { endBroadcast(id: $id) { id } }`, { id }, broadcaster.token);
    expect((await ofFan.nextData()).timelineUpdates).toMatchObject({
      kind: 'ENDED',
      item: { id, title: 'on air', status: 'ENDED' },
    });
    // The ENDED row comes first in the log: it would arrive before the friend's post.
    await ofBlocked.nothingBefore(
      () => t.post(friend, 'marker'),
      (data) => data.timelineUpdates.kind === 'ADDED',
    );
    await Promise.all([ofFan, ofBlocked].map((sub) => sub.close()));
  });

  it('renders different selections, variables, fragments and aliases on one socket and on several', async () => {
    const [writer, reader, other] = [await t.signUp(), await t.signUp(), await t.signUp()];
    await t.follow(reader, writer);
    await t.follow(other, writer);
    const socket = t.openSocket(reader.token);
    const before = t.subscriptionSetUps.total;
    const plain = socket.run<Updates>(SHARED);
    const aliased = socket.run<{ u: Update & { again: string; what: string } }>(
      `subscription Aliased($withText: Boolean!) {
        u: timelineUpdates { again: cursor ...Card what: kind }
      }
      fragment Card on TimelineUpdate {
        kind cursor
        item { __typename ...PostCard }
      }
      fragment PostCard on Post { id text @include(if: $withText) who: author { handle } }`,
      { withText: false },
      'Aliased',
    );
    const withText = socket.run<{ u: Update }>(
      `subscription($withText: Boolean!) {
        u: timelineUpdates { cursor item { ... on Post { text @include(if: $withText) } } }
      }`,
      { withText: true },
    );
    await t.subscriptionSetUps.reach(before + 3);
    const elsewhere = await t.subscribe<Updates>(SHARED, {}, other.token);
    const id = await t.post(writer, 'selections');

    const mine = (await nextOf(plain, 0)).timelineUpdates;
    expect(mine).toEqual({
      kind: 'ADDED',
      cursor: mine.cursor,
      itemId: id,
      item: { __typename: 'Post', id, text: 'selections', author: { handle: writer.handle } },
    });
    const { u } = await nextOf(aliased, 0);
    expect(Object.keys(u)).toEqual(['again', 'kind', 'cursor', 'item', 'what']);
    expect(u).toEqual({
      again: mine.cursor,
      kind: 'ADDED',
      cursor: mine.cursor,
      item: { __typename: 'Post', id, who: { handle: writer.handle } },
      what: 'ADDED',
    });
    expect((await nextOf(withText, 0)).u).toEqual({
      cursor: mine.cursor,
      item: { text: 'selections' },
    });
    const theirs = (await elsewhere.nextData()).timelineUpdates;
    expect(theirs).toEqual({ ...mine, cursor: theirs.cursor });
    expect(theirs.cursor).not.toBe(mine.cursor);

    // Completing one operation leaves the others on the socket receiving.
    plain.cancel();
    const next = await t.post(writer, 'after one completed');
    expect((await nextOf(withText, 1)).u.item).toEqual({ text: 'after one completed' });
    expect((await nextOf(aliased, 1)).u.item).toMatchObject({ id: next });
    expect(plain.results).toHaveLength(1);
    await elsewhere.close();
    socket.client.terminate();
  });
});
