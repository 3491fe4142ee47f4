import { TestApp, TestUser } from '@app/testing';

const HOME = `query($first: Int, $after: String) {
  homeTimeline(first: $first, after: $after) {
    updatesCursor
    edges { node { ... on Post { id } ... on Broadcast { id } } }
    pageInfo { endCursor }
  }
}`;

const UPDATES = `subscription($after: String) {
  timelineUpdates(after: $after) { kind cursor itemId }
}`;

interface Home {
  homeTimeline: {
    updatesCursor: string;
    edges: { node: { id: string } }[];
    pageInfo: { endCursor: string | null };
  };
}

interface Update {
  timelineUpdates: { kind: string; cursor: string; itemId: string | null };
}

async function home(t: TestApp, user: TestUser, first = 20, after?: string) {
  return (await t.ok<Home>(HOME, { first, after }, user.token)).homeTimeline;
}

describe('homeTimeline.updatesCursor: from a loaded page to the live stream', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.close());

  it('resumes right after the page: a change committed in between arrives once, the page is not sent again', async () => {
    const [reader, writer] = [await t.signUp(), await t.signUp()];
    await t.follow(reader, writer);
    const onPage = await t.post(writer, 'already on the page');
    const page = await home(t, reader);
    expect(page.edges.map((e) => e.node.id)).toEqual([onPage]);

    const between = await t.post(writer, 'posted between the page and the subscription');
    const sub = await t.subscribe<Update>(UPDATES, { after: page.updatesCursor }, reader.token);
    expect((await sub.nextData()).timelineUpdates).toMatchObject({
      kind: 'ADDED',
      itemId: between,
    });
    const later = await t.post(writer, 'posted once subscribed');
    expect((await sub.nextData()).timelineUpdates).toMatchObject({ kind: 'ADDED', itemId: later });
    await sub.nothingFor(300);
    await sub.close();
  });

  it('sends a change to an item already on the page once', async () => {
    const [reader, writer] = [await t.signUp(), await t.signUp()];
    await t.follow(reader, writer);
    const id = await t.post(writer, 'soon deleted');
    const page = await home(t, reader);
    await t.ok(`mutation($id: ID!) { deletePost(id: $id) }`, { id }, writer.token);
    const sub = await t.subscribe<Update>(UPDATES, { after: page.updatesCursor }, reader.token);
    expect((await sub.nextData()).timelineUpdates).toMatchObject({ kind: 'REMOVED', itemId: id });
    await sub.nothingFor(300);
    await sub.close();
  });

  it('splits concurrent writes between the page and the stream, each item exactly once', async () => {
    const [reader, writer] = [await t.signUp(), await t.signUp()];
    await t.follow(reader, writer);
    const writes = Array.from({ length: 24 }, (_, i) => t.post(writer, `race ${i}`));
    const page = await home(t, reader, 100);
    const posted = await Promise.all(writes);
    const sub = await t.subscribe<Update>(UPDATES, { after: page.updatesCursor }, reader.token);
    const onPage = page.edges.map((e) => e.node.id);
    const streamed: string[] = [];
    while (onPage.length + streamed.length < posted.length) {
      const update = (await sub.nextData()).timelineUpdates;
      expect(update.kind).toBe('ADDED');
      streamed.push(update.itemId!);
    }
    await sub.nothingFor(300);
    expect(streamed.filter((id) => onPage.includes(id))).toEqual([]);
    expect([...onPage, ...streamed].sort()).toEqual([...posted].sort());
    await sub.close();
  });

  it('is a valid resume point on an empty home, on every page, and on a profile timeline', async () => {
    const [reader, writer] = [await t.signUp(), await t.signUp()];
    const one = await t.post(writer, 'one');
    const empty = await home(t, reader);
    expect(empty.edges).toEqual([]);
    await t.follow(reader, writer);
    const sub = await t.subscribe<Update>(UPDATES, { after: empty.updatesCursor }, reader.token);
    expect((await sub.nextData()).timelineUpdates).toMatchObject({ kind: 'ADDED', itemId: one });
    await sub.close();

    await t.post(writer, 'two');
    const first = await home(t, reader, 1);
    const second = await home(t, reader, 1, first.pageInfo.endCursor!);
    expect(second.edges).toHaveLength(1);
    expect(cursorXid(second.updatesCursor)).toBeGreaterThanOrEqual(cursorXid(first.updatesCursor));

    const profile = await t.ok<{ user: { timeline: { updatesCursor: string } } }>(
      `query($handle: String!) { user(handle: $handle) { timeline { updatesCursor } } }`,
      { handle: writer.handle },
      reader.token,
    );
    const third = await t.post(writer, 'three');
    const fromProfile = await t.subscribe<Update>(
      UPDATES,
      { after: profile.user.timeline.updatesCursor },
      reader.token,
    );
    expect((await fromProfile.nextData()).timelineUpdates).toMatchObject({
      kind: 'ADDED',
      itemId: third,
    });
    await fromProfile.nothingFor(300);
    await fromProfile.close();
  });
});

/** The transaction id an updates cursor stands at (its first part). */
function cursorXid(cursor: string): bigint {
  return BigInt((JSON.parse(Buffer.from(cursor, 'base64url').toString()) as string[])[0]);
}
