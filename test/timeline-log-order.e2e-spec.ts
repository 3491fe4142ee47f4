import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { parseGlobalId, runInTransaction } from '@app/common';
import { TestApp } from '@app/testing';
import { TimelineItemKind, TimelineUpdateKind, TimelineUpdates } from '@app/timeline';

const UPDATES = `subscription($after: String) {
  timelineUpdates(after: $after) { kind cursor itemId }
}`;

const HOME = `query { homeTimeline(first: 20) { updatesCursor edges { node { ... on Post { id } } } } }`;

interface Update {
  timelineUpdates: { kind: string; cursor: string; itemId: string | null };
}

/** Writers take no common lock: a row committed before an older writer's waits for it, once. */
describe('timelineUpdates with writers committing out of order', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.close());

  it('delivers rows committed in the opposite order of their ids once each, live, resumed and after a page', async () => {
    const [reader, first, second] = [await t.signUp(), await t.signUp(), await t.signUp()];
    await t.follow(reader, first);
    await t.follow(reader, second);
    const live = await t.subscribe<Update>(UPDATES, {}, reader.token);
    const early = await t.post(first, 'early');
    const added = (await live.nextData()).timelineUpdates;
    expect(added).toMatchObject({ kind: 'ADDED', itemId: early });

    // The first writer's transaction writes its log row, then stays open while the second
    // writer's post commits with a larger row id.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let wrote!: () => void;
    const written = new Promise<void>((resolve) => (wrote = resolve));
    const firstWriter = runInTransaction(t.app.get(DataSource), async (manager) => {
      await t.app.get(TimelineUpdates).record(
        manager,
        TimelineUpdateKind.UPDATED,
        {
          kind: TimelineItemKind.POST,
          itemId: parseGlobalId(early, 'Post'),
          authorId: parseGlobalId(first.id, 'User'),
        },
        [parseGlobalId(reader.id, 'User')],
      );
      wrote();
      await held;
    });
    await written;
    const late = await t.post(second, 'late');
    const resumedBetween = await t.subscribe<Update>(
      UPDATES,
      { after: added.cursor },
      reader.token,
    );
    const page = (
      await t.ok<{ homeTimeline: { updatesCursor: string; edges: { node: { id: string } }[] } }>(
        HOME,
        {},
        reader.token,
      )
    ).homeTimeline;
    expect(page.edges.map((edge) => edge.node.id)).toEqual([late, early]);
    // The late row is not final while the earlier writer runs: nothing overtakes it.
    await live.nothingFor(300);
    release();
    await firstWriter;

    const [{ ordered }] = await t.sql<{ ordered: boolean }>(
      `SELECT (SELECT id FROM timeline_updates WHERE kind = 'UPDATED' AND owner_id = $1)
            < (SELECT id FROM timeline_updates WHERE kind = 'ADDED' AND owner_id = $1 AND item_id = $2) AS ordered`,
      [parseGlobalId(reader.id, 'User'), parseGlobalId(late, 'Post')],
    );
    expect(ordered).toBe(true);
    const expected = [
      { kind: 'UPDATED', itemId: early },
      { kind: 'ADDED', itemId: late },
    ];
    for (const sub of [live, resumedBetween]) {
      for (const update of expected) {
        expect((await sub.nextData()).timelineUpdates).toMatchObject(update);
      }
    }
    const fromPage = await t.subscribe<Update>(
      UPDATES,
      { after: page.updatesCursor },
      reader.token,
    );
    expect((await fromPage.nextData()).timelineUpdates).toMatchObject(expected[0]);
    const marker = await t.post(second, 'marker');
    for (const sub of [live, resumedBetween, fromPage]) {
      expect((await sub.nextData()).timelineUpdates).toMatchObject({
        kind: 'ADDED',
        itemId: marker,
      });
      await sub.close();
    }
  });

  it('delivers a post held back by an open transaction that writes no timeline row once it ends', async () => {
    const [reader, writer] = [await t.signUp(), await t.signUp()];
    await t.follow(reader, writer);
    const sub = await t.subscribe<Update>(UPDATES, {}, reader.token);
    const other = new Client({ connectionString: t.databaseUrl });
    await other.connect();
    try {
      // A write transaction on another table, started before the post and never touching the log.
      await other.query('BEGIN');
      await other.query(`UPDATE users SET bio = 'busy' WHERE handle = $1`, [reader.handle]);
      const id = await t.post(writer, 'behind an open transaction');
      await sub.nothingFor(300);
      await other.query('ROLLBACK');
      expect((await sub.nextData()).timelineUpdates).toMatchObject({
        kind: 'ADDED',
        itemId: id,
      });
      await sub.nothingFor(300);
    } finally {
      await other.end();
      await sub.close();
    }
  });

  it("delivers at once past a write transaction open in another of the server's databases", async () => {
    const [reader, writer] = [await t.signUp(), await t.signUp()];
    await t.follow(reader, writer);
    const sub = await t.subscribe<Update>(UPDATES, {}, reader.token);
    const elsewhere = new URL(t.databaseUrl);
    elsewhere.pathname = '/postgres';
    const other = new Client({ connectionString: elsewhere.toString() });
    await other.connect();
    try {
      // Another application's writer on the same server: it holds a transaction id, in its own
      // database, for longer than a card may wait.
      await other.query('BEGIN');
      await other.query('SELECT pg_current_xact_id()');
      const id = await t.post(writer, 'past another database');
      expect((await sub.nextData(2_000)).timelineUpdates).toMatchObject({
        kind: 'ADDED',
        itemId: id,
      });
    } finally {
      await other.query('ROLLBACK');
      await other.end();
      await sub.close();
    }
  });
});
