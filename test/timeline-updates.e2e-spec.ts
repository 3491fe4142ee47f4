import { encodeCursor } from '@app/common';
import { decodePosition, formatSnapshot } from '@app/timeline/log-position';
import { errorCode, TestApp } from '@app/testing';

const UPDATES = `subscription($after: String) {
  timelineUpdates(after: $after) { kind cursor itemId item { __typename ... on Post { id text author { handle } } } }
}`;

interface Update {
  kind: string;
  cursor: string;
  itemId: string | null;
  item: { __typename: string; id: string; text: string; author: { handle: string } } | null;
}

/**
 * Ages every log row past the retention and purges until the log is empty. The purge keeps rows of
 * transactions at or above the oldest one running on the server (they are not final yet), so a
 * transaction of another database on it can hold a row back for a moment.
 */
async function purgeWholeLog(t: TestApp): Promise<void> {
  await t.sql(`UPDATE timeline_updates SET created_at = now() - interval '1000 hours'`);
  const { TimelineUpdatePurge } = await import('@app/timeline');
  const purge = t.app.get(TimelineUpdatePurge);
  await purge.purge();
  while ((await t.sql('SELECT 1 FROM timeline_updates LIMIT 1')).length > 0) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    await purge.purge();
  }
}

describe('timelineUpdates', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.close());

  it('pushes ADDED for a followee’s new post and REMOVED when it is deleted', async () => {
    const [reader, writer, stranger] = [await t.signUp(), await t.signUp(), await t.signUp()];
    await t.follow(reader, writer);
    const sub = await t.subscribe<{ timelineUpdates: Update }>(UPDATES, {}, reader.token);
    await t.post(stranger, 'not for the reader');
    const id = await t.post(writer, 'hello followers');
    const added = (await sub.nextData()).timelineUpdates;
    expect(added).toMatchObject({
      kind: 'ADDED',
      itemId: id,
      item: { __typename: 'Post', id, text: 'hello followers' },
    });
    expect(added.item!.author.handle).toBe(writer.handle);
    await t.ok(`mutation($id: ID!) { deletePost(id: $id) }`, { id }, writer.token);
    const removed = (await sub.nextData()).timelineUpdates;
    expect(removed).toMatchObject({ kind: 'REMOVED', itemId: id, item: null });
    expect(removed.cursor).not.toBe(added.cursor);
    await sub.nothingBefore(
      () => t.post(writer, 'marker'),
      (data) => data.timelineUpdates.item?.text === 'marker',
    );
    await sub.close();
  });

  it('pushes the backfill of a follow as ADDED and an unfollow as REMOVED', async () => {
    const [reader, writer] = [await t.signUp(), await t.signUp()];
    const id = await t.post(writer, 'older post');
    const sub = await t.subscribe<{ timelineUpdates: Update }>(UPDATES, {}, reader.token);
    await t.follow(reader, writer);
    expect((await sub.nextData()).timelineUpdates).toMatchObject({ kind: 'ADDED', itemId: id });
    await t.ok(
      `mutation($id: ID!) { unfollow(userId: $id) { id } }`,
      { id: writer.id },
      reader.token,
    );
    expect((await sub.nextData()).timelineUpdates).toMatchObject({ kind: 'REMOVED', itemId: id });
    await sub.close();
  });

  it('replays what was missed since a cursor, in order, then follows live, with no gap and no duplicate', async () => {
    const [reader, writer] = [await t.signUp(), await t.signUp()];
    await t.follow(reader, writer);
    const first = await t.subscribe<{ timelineUpdates: Update }>(UPDATES, {}, reader.token);
    await t.post(writer, 'm0');
    const seen = (await first.nextData()).timelineUpdates;
    await first.close();

    for (let i = 1; i <= 5; i += 1) await t.post(writer, `m${i}`);
    // Posts keep arriving while the client resumes: the replay/live seam must hold.
    const writing = (async () => {
      for (let i = 6; i <= 15; i += 1) await t.post(writer, `m${i}`);
    })();
    const resumed = await t.subscribe<{ timelineUpdates: Update }>(
      UPDATES,
      { after: seen.cursor },
      reader.token,
      {},
    );
    await writing;
    const texts: string[] = [];
    for (let i = 1; i <= 15; i += 1)
      texts.push((await resumed.nextData()).timelineUpdates.item!.text);
    expect(texts).toEqual(Array.from({ length: 15 }, (_, i) => `m${i + 1}`));
    await resumed.nothingBefore(
      () => t.post(writer, 'marker'),
      (data) => data.timelineUpdates.item?.text === 'marker',
    );
    await resumed.close();
  });

  it('starts with RESYNC when the cursor is older than the kept history', async () => {
    const [reader, writer] = [await t.signUp(), await t.signUp()];
    await t.follow(reader, writer);
    const sub = await t.subscribe<{ timelineUpdates: Update }>(UPDATES, {}, reader.token);
    await t.post(writer, 'long ago');
    const old = (await sub.nextData()).timelineUpdates;
    await sub.close();
    // Missed by the client, then purged: the log can no longer tell what the client missed.
    await t.post(writer, 'missed and purged');
    await purgeWholeLog(t);

    const resumed = await t.subscribe<{ timelineUpdates: Update }>(
      UPDATES,
      { after: old.cursor },
      reader.token,
    );
    expect((await resumed.nextData()).timelineUpdates).toMatchObject({
      kind: 'RESYNC',
      item: null,
      itemId: null,
    });
    await t.post(writer, 'after the resync');
    expect((await resumed.nextData()).timelineUpdates).toMatchObject({
      kind: 'ADDED',
      item: { text: 'after the resync' },
    });
    await resumed.close();
  });

  it('hands out a RESYNC cursor that resumes when the purge emptied the whole log', async () => {
    const [reader, writer] = [await t.signUp(), await t.signUp()];
    await t.follow(reader, writer);
    const sub = await t.subscribe<{ timelineUpdates: Update }>(UPDATES, {}, reader.token);
    await t.post(writer, 'before the purge');
    const old = (await sub.nextData()).timelineUpdates;
    await sub.close();
    await t.post(writer, 'missed, then purged');
    await purgeWholeLog(t);

    const first = await t.subscribe<{ timelineUpdates: Update }>(
      UPDATES,
      { after: old.cursor },
      reader.token,
    );
    const resync = (await first.nextData()).timelineUpdates;
    expect(resync.kind).toBe('RESYNC');
    await first.close();
    await t.post(writer, 'after the purge');
    const resumed = await t.subscribe<{ timelineUpdates: Update }>(
      UPDATES,
      { after: resync.cursor },
      reader.token,
    );
    expect((await resumed.nextData()).timelineUpdates).toMatchObject({
      kind: 'ADDED',
      item: { text: 'after the purge' },
    });
    await resumed.nothingBefore(
      () => t.post(writer, 'marker'),
      (data) => data.timelineUpdates.item?.text === 'marker',
    );
    await resumed.close();
  });

  it('answers RESYNC for a cursor beyond the newest transaction (one from before a restore)', async () => {
    const [reader, writer] = [await t.signUp(), await t.signUp()];
    await t.follow(reader, writer);
    const [{ next }] = await t.sql<{ next: string }>(
      'SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS next',
    );
    const future = encodeCursor([(BigInt(next) + 1000n).toString(), '1']);
    const sub = await t.subscribe<{ timelineUpdates: Update }>(
      UPDATES,
      { after: future },
      reader.token,
    );
    const resync = (await sub.nextData()).timelineUpdates;
    expect(resync.kind).toBe('RESYNC');
    // The rows written next are of transactions before the stale cursor's, and still arrive.
    await t.post(writer, 'below the stale cursor');
    expect((await sub.nextData()).timelineUpdates).toMatchObject({
      kind: 'ADDED',
      item: { text: 'below the stale cursor' },
    });
    await sub.close();
  });

  it('answers RESYNC for a plain row id cursor, and its cursor resumes', async () => {
    const [reader, writer] = [await t.signUp(), await t.signUp()];
    await t.follow(reader, writer);
    const plain = await t.subscribe<{ timelineUpdates: Update }>(
      UPDATES,
      { after: encodeCursor(['12']) },
      reader.token,
    );
    const resync = (await plain.nextData()).timelineUpdates;
    expect(resync).toMatchObject({ kind: 'RESYNC', item: null });
    await plain.close();
    await t.post(writer, 'after the resync');
    const resumed = await t.subscribe<{ timelineUpdates: Update }>(
      UPDATES,
      { after: resync.cursor },
      reader.token,
    );
    expect((await resumed.nextData()).timelineUpdates).toMatchObject({
      kind: 'ADDED',
      item: { text: 'after the resync' },
    });
    await resumed.close();
  });

  it('refuses a garbage cursor, a missing token and a forged one', async () => {
    const reader = await t.signUp();
    const garbage = await t.subscribe(UPDATES, { after: 'garbage!' }, reader.token);
    expect(errorCode(await garbage.next())).toBe('BAD_USER_INPUT');
    await garbage.close();
    // A snapshot PostgreSQL refuses (transaction id 0): refused here, before any statement.
    const zeroSnapshot = await t.subscribe(
      UPDATES,
      { after: encodeCursor(['100', '0', '0', '0']) },
      reader.token,
    );
    expect(errorCode(await zeroSnapshot.next())).toBe('BAD_USER_INPUT');
    await zeroSnapshot.close();
    const homeCursor = Buffer.from('["2026-01-01T00:00:00.000Z","1"]').toString('base64url');
    const wrongShape = await t.subscribe(UPDATES, { after: homeCursor }, reader.token);
    expect(errorCode(await wrongShape.next())).toBe('BAD_USER_INPUT');
    await wrongShape.close();
    const anonymous = await t.subscribe(UPDATES);
    expect(errorCode(await anonymous.next())).toBe('UNAUTHENTICATED');
    await anonymous.close();
    const forged = await t.subscribe(UPDATES, {}, 'forged.token.value');
    expect(forged.isEnded).toBe(true);
    expect(forged.closeCode).toBe(4403);
  });

  it('takes a cursor only when PostgreSQL takes its snapshot', async () => {
    const ids = ['0', '1', '2', '5', '6'];
    const lists = [[], ...ids.map((x) => [x]), ...ids.flatMap((x) => ids.map((y) => [x, y]))];
    let taken = 0;
    for (const xmin of ids) {
      for (const xmax of ids) {
        for (const xip of lists) {
          const cursor = encodeCursor([xmin, '0', xmin, xmax, ...xip]);
          let snapshot: string;
          try {
            snapshot = formatSnapshot(decodePosition(cursor)!.snapshot!);
          } catch {
            continue;
          }
          taken += 1;
          const [row] = await t.sql<{ snapshot: string }>(
            'SELECT $1::pg_snapshot::text AS snapshot',
            [snapshot],
          );
          expect(row.snapshot).toBe(snapshot);
        }
      }
    }
    expect(taken).toBeGreaterThan(20);
  });

  it('keeps what an account the reader mutes posts out of their updates, live and on resume; a card from before the mute still changes', async () => {
    const [reader, muted, other] = [await t.signUp(), await t.signUp(), await t.signUp()];
    await t.follow(reader, muted);
    await t.follow(reader, other);
    const live = await t.subscribe<{ timelineUpdates: Update }>(UPDATES, {}, reader.token);
    const start = `mutation($title: String!) { startBroadcast(input: { title: $title }) { id } }`;
    const before = (await t.ok(start, { title: 'before the mute' }, muted.token)).startBroadcast
      .id as string;
    expect((await live.nextData()).timelineUpdates).toMatchObject({
      kind: 'NOW_LIVE',
      itemId: before,
    });
    await t.ok(`mutation($id: ID!) { mute(userId: $id) { id } }`, { id: muted.id }, reader.token);
    await t.post(muted, 'muted post');
    await t.ok(`mutation($id: ID!) { endBroadcast(id: $id) { id } }`, { id: before }, muted.token);
    expect((await live.nextData()).timelineUpdates).toMatchObject({
      kind: 'ENDED',
      itemId: before,
    });
    await t.ok(start, { title: 'muted live' }, muted.token);
    await t.post(other, 'first marker');
    const marker = (await live.nextData()).timelineUpdates;
    expect(marker.item?.text).toBe('first marker');
    await live.close();

    await t.post(muted, 'muted while away');
    const resumed = await t.subscribe<{ timelineUpdates: Update }>(
      UPDATES,
      { after: marker.cursor },
      reader.token,
    );
    await resumed.nothingBefore(
      () => t.post(other, 'second marker'),
      (data) => data.timelineUpdates.item?.text === 'second marker',
    );
    await t.ok(`mutation($id: ID!) { unmute(userId: $id) { id } }`, { id: muted.id }, reader.token);
    const id = await t.post(muted, 'heard again');
    expect((await resumed.nextData()).timelineUpdates).toMatchObject({ kind: 'ADDED', itemId: id });
    await resumed.close();
  });

  it('misses nothing across a server restart', async () => {
    const [reader, writer] = [await t.signUp(), await t.signUp()];
    await t.follow(reader, writer);
    const sub = await t.subscribe<{ timelineUpdates: Update }>(UPDATES, {}, reader.token);
    await t.post(writer, 'before the restart');
    const last = (await sub.nextData()).timelineUpdates;
    await t.restart();
    expect(sub.isEnded).toBe(true);
    await t.post(writer, 'while the client was away');
    const resumed = await t.subscribe<{ timelineUpdates: Update }>(
      UPDATES,
      { after: last.cursor },
      reader.token,
    );
    expect((await resumed.nextData()).timelineUpdates.item!.text).toBe('while the client was away');
    await resumed.nothingBefore(
      () => t.post(writer, 'marker'),
      (data) => data.timelineUpdates.item?.text === 'marker',
    );
    await resumed.close();
  });
});

describe('timelineUpdates from accounts above the fan-out limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({ FANOUT_MAX_FOLLOWERS: '1' });
  });
  afterAll(() => t.close());

  it('delivers and replays their posts from one ownerless log row', async () => {
    const star = await t.signUp();
    const [fan, other] = [await t.signUp(), await t.signUp()];
    await t.follow(fan, star);
    await t.follow(other, star);
    const sub = await t.subscribe<{ timelineUpdates: Update }>(UPDATES, {}, fan.token);
    await t.post(star, 'to all my fans');
    const live = (await sub.nextData()).timelineUpdates;
    expect(live).toMatchObject({ kind: 'ADDED', item: { text: 'to all my fans' } });
    const [rows] = await t.sql<{ owned: string; ownerless: string }>(
      `SELECT count(*) FILTER (WHERE owner_id IS NOT NULL) AS owned, count(*) FILTER (WHERE owner_id IS NULL) AS ownerless
       FROM timeline_updates WHERE item_id = (SELECT max(id) FROM posts)`,
    );
    expect(rows).toEqual({ owned: '1', ownerless: '1' });
    await sub.close();

    await t.post(star, 'while you were away');
    const resumed = await t.subscribe<{ timelineUpdates: Update }>(
      UPDATES,
      { after: live.cursor },
      fan.token,
    );
    expect((await resumed.nextData()).timelineUpdates.item!.text).toBe('while you were away');
    await resumed.close();
  });
});

describe('timelineUpdates with a replay cap', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({ TIMELINE_UPDATES_MAX_REPLAY: '3' });
  });
  afterAll(() => t.close());

  it('replays up to the cap, and answers RESYNC from the head beyond it', async () => {
    const [reader, writer] = [await t.signUp(), await t.signUp()];
    await t.follow(reader, writer);
    const sub = await t.subscribe<{ timelineUpdates: Update }>(UPDATES, {}, reader.token);
    await t.post(writer, 'seen');
    const seen = (await sub.nextData()).timelineUpdates;
    await sub.close();

    for (const text of ['a', 'b', 'c']) await t.post(writer, text);
    const within = await t.subscribe<{ timelineUpdates: Update }>(
      UPDATES,
      { after: seen.cursor },
      reader.token,
    );
    const replayed: string[] = [];
    for (let i = 0; i < 3; i += 1)
      replayed.push((await within.nextData()).timelineUpdates.item!.text);
    expect(replayed).toEqual(['a', 'b', 'c']);
    await within.close();

    await t.post(writer, 'd');
    const beyond = await t.subscribe<{ timelineUpdates: Update }>(
      UPDATES,
      { after: seen.cursor },
      reader.token,
    );
    const resync = (await beyond.nextData()).timelineUpdates;
    expect(resync).toMatchObject({ kind: 'RESYNC', item: null });
    await t.post(writer, 'e');
    expect((await beyond.nextData()).timelineUpdates).toMatchObject({ item: { text: 'e' } });
    await beyond.close();

    const fromResync = await t.subscribe<{ timelineUpdates: Update }>(
      UPDATES,
      { after: resync.cursor },
      reader.token,
    );
    expect((await fromResync.nextData()).timelineUpdates).toMatchObject({ item: { text: 'e' } });
    await fromResync.close();
  });

  it('decides each of the subscriptions opened at one moment on its own backlog', async () => {
    // Opened together, their pending rows are counted in one statement.
    const [behind, close, writer] = [await t.signUp(), await t.signUp(), await t.signUp()];
    await t.follow(behind, writer);
    await t.follow(close, writer);
    const ofBehind = await t.subscribe<{ timelineUpdates: Update }>(UPDATES, {}, behind.token);
    const ofClose = await t.subscribe<{ timelineUpdates: Update }>(UPDATES, {}, close.token);
    await t.post(writer, 'seen');
    const behindCursor = (await ofBehind.nextData()).timelineUpdates.cursor;
    await ofBehind.close();
    await t.post(writer, 'a');
    await t.post(writer, 'b');
    await ofClose.nextData();
    await ofClose.nextData();
    const closeCursor = (await ofClose.nextData()).timelineUpdates.cursor;
    await ofClose.close();
    for (const text of ['c', 'd', 'e']) await t.post(writer, text);

    const [resumedBehind, resumedClose] = await Promise.all([
      t.subscribe<{ timelineUpdates: Update }>(UPDATES, { after: behindCursor }, behind.token),
      t.subscribe<{ timelineUpdates: Update }>(UPDATES, { after: closeCursor }, close.token),
    ]);
    expect((await resumedBehind.nextData()).timelineUpdates).toMatchObject({ kind: 'RESYNC' });
    const replayed: string[] = [];
    for (let i = 0; i < 3; i += 1)
      replayed.push((await resumedClose.nextData()).timelineUpdates.item!.text);
    expect(replayed).toEqual(['c', 'd', 'e']);
    await resumedBehind.close();
    await resumedClose.close();
  });
});
