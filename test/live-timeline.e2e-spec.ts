import { EventBus } from '@app/realtime';
import { errorCode, TestApp, TestUser } from '@app/testing';

const UPDATES = `subscription($after: String) {
  timelineUpdates(after: $after) { kind cursor itemId item { __typename ... on Broadcast { id title status } ... on Post { text } } }
}`;

const HOME = `{ homeTimeline(first: 10) { edges { node { __typename
  ... on Broadcast { id title status broadcaster { handle } } ... on Post { text } } } } }`;

interface Update {
  kind: string;
  cursor: string;
  itemId: string | null;
  item: { __typename: string; id?: string; title?: string; status?: string; text?: string } | null;
}

async function start(t: TestApp, user: TestUser, title: string, scheduledFor?: string) {
  const data = await t.ok(
    `mutation($input: StartBroadcastInput!) { startBroadcast(input: $input) { id status } }`,
    { input: { title, scheduledFor } },
    user.token,
  );
  return data.startBroadcast as { id: string; status: string };
}

describe('broadcasts in home timelines', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.close());

  it('pushes a NOW_LIVE card to followers, then ENDED, and keeps the card as a replay', async () => {
    const [host, fan, stranger] = [await t.signUp(), await t.signUp(), await t.signUp()];
    await t.follow(fan, host);
    const fanSub = await t.subscribe<{ timelineUpdates: Update }>(UPDATES, {}, fan.token);
    const strangerSub = await t.subscribe<{ timelineUpdates: Update }>(UPDATES, {}, stranger.token);
    const live = await start(t, host, 'Q&A now');
    const nowLive = (await fanSub.nextData()).timelineUpdates;
    expect(nowLive).toMatchObject({
      kind: 'NOW_LIVE',
      itemId: live.id,
      item: { __typename: 'Broadcast', id: live.id, title: 'Q&A now', status: 'LIVE' },
    });
    expect((await t.ok(HOME, {}, fan.token)).homeTimeline.edges[0].node).toMatchObject({
      __typename: 'Broadcast',
      status: 'LIVE',
      broadcaster: { handle: host.handle },
    });
    await t.ok(
      `mutation($id: ID!) { endBroadcast(id: $id) { status } }`,
      { id: live.id },
      host.token,
    );
    expect((await fanSub.nextData()).timelineUpdates).toMatchObject({
      kind: 'ENDED',
      item: { id: live.id, status: 'ENDED' },
    });
    expect((await t.ok(HOME, {}, fan.token)).homeTimeline.edges[0].node).toMatchObject({
      status: 'ENDED',
    });
    // The stranger's own post reaches their timeline after anything the broadcast wrongly sent.
    await strangerSub.nothingBefore(
      () => t.post(stranger, 'marker'),
      (data) => data.timelineUpdates.item?.text === 'marker',
    );
    await Promise.all([fanSub.close(), strangerSub.close()]);
  });

  it('moves a scheduled card to the moment it goes live, and drops a canceled one', async () => {
    const [host, fan, other] = [await t.signUp(), await t.signUp(), await t.signUp()];
    await t.follow(fan, host);
    await t.follow(fan, other);
    const later = new Date(Date.now() + 3600_000).toISOString();
    const sub = await t.subscribe<{ timelineUpdates: Update }>(UPDATES, {}, fan.token);
    const scheduled = await start(t, host, 'Tonight', later);
    expect((await sub.nextData()).timelineUpdates).toMatchObject({
      kind: 'ADDED',
      item: { id: scheduled.id, status: 'SCHEDULED' },
    });
    await t.post(other, 'meanwhile');
    expect((await sub.nextData()).timelineUpdates.item).toMatchObject({ text: 'meanwhile' });
    const home = await t.ok(HOME, {}, fan.token);
    expect(home.homeTimeline.edges.map((e: any) => e.node.text ?? e.node.status)).toEqual([
      'meanwhile',
      'SCHEDULED',
    ]);

    const { BroadcastLifecycleService } = await import('@app/broadcasts');
    const [row] = await t.sql<{ stream_key: string }>(
      'SELECT stream_key FROM broadcasts WHERE title = $1',
      ['Tonight'],
    );
    await t.app.get(BroadcastLifecycleService).startByStreamKey(row.stream_key);
    expect((await sub.nextData()).timelineUpdates).toMatchObject({
      kind: 'NOW_LIVE',
      item: { status: 'LIVE' },
    });
    const moved = await t.ok(HOME, {}, fan.token);
    expect(moved.homeTimeline.edges.map((e: any) => e.node.text ?? e.node.status)).toEqual([
      'LIVE',
      'meanwhile',
    ]);

    const canceled = await start(t, other, 'Maybe later', later);
    await sub.nextData();
    await t.ok(
      `mutation($id: ID!) { cancelBroadcast(id: $id) { status } }`,
      { id: canceled.id },
      other.token,
    );
    expect((await sub.nextData()).timelineUpdates).toMatchObject({
      kind: 'REMOVED',
      itemId: canceled.id,
      item: null,
    });
    await sub.close();
  });

  it('shows a followers-only broadcast to followers and nobody else', async () => {
    const [host, fan, stranger] = [await t.signUp(), await t.signUp(), await t.signUp()];
    await t.follow(fan, host);
    const data = await t.ok(
      `mutation { startBroadcast(input: { title: "members only", visibility: FOLLOWERS }) { id } }`,
      {},
      host.token,
    );
    const id = data.startBroadcast.id as string;
    expect((await t.ok(HOME, {}, fan.token)).homeTimeline.edges[0].node.id).toBe(id);
    expect((await t.ok(HOME, {}, stranger.token)).homeTimeline.edges).toEqual([]);
    const profile = await t.gql(
      `query($h: String!) { user(handle: $h) { timeline { edges { node { __typename } } } } }`,
      { h: host.handle },
      stranger.token,
    );
    expect(profile.data.user.timeline.edges).toEqual([]);
    expect(
      errorCode(
        await t.gql(`query($id: ID!) { broadcast(id: $id) { id } }`, { id }, stranger.token),
      ),
    ).toBe('NOT_FOUND');
  });

  it('loses no NOW_LIVE when the process dies between commit and push (replayed once after restart)', async () => {
    const [host, fan] = [await t.signUp(), await t.signUp()];
    await t.follow(fan, host);
    const sub = await t.subscribe<{ timelineUpdates: Update }>(UPDATES, {}, fan.token);
    await t.post(host, 'warm-up');
    const seen = (await sub.nextData()).timelineUpdates;

    // The doorbell never leaves this process, as if it crashed right after the commit.
    const bus = t.app.get(EventBus);
    const publish = jest.spyOn(bus, 'publish').mockResolvedValue(undefined);
    const live = await start(t, host, 'going live as we crash');
    publish.mockRestore();
    // Absence is the point: any later push would bring the lost NOW_LIVE along (the live log is
    // read from the last cursor), so no marker can stand in for this wait.
    await sub.nothingFor(300);
    await t.restart();

    const resumed = await t.subscribe<{ timelineUpdates: Update }>(
      UPDATES,
      { after: seen.cursor },
      fan.token,
    );
    expect((await resumed.nextData()).timelineUpdates).toMatchObject({
      kind: 'NOW_LIVE',
      itemId: live.id,
    });
    // Replayed once: the next update is the marker, not a second NOW_LIVE.
    await resumed.nothingBefore(
      () => t.post(host, 'marker'),
      (data) => data.timelineUpdates.item?.text === 'marker',
    );
    await Promise.all([sub.close(), resumed.close()]);
  });
});
