import { parseGlobalId } from '@app/common';
import {
  followersOfSql,
  followNotifySql,
  followsSql,
  RelationshipPolicy,
  VisibilityScope,
  visibleToViewerSql,
} from '@app/graph';
import { TestApp, TestUser } from '@app/testing';

const FOLLOW = `mutation($id: ID!, $notify: Boolean) { follow(userId: $id, notify: $notify) { id } }`;
const MUTE = `mutation($id: ID!) { mute(userId: $id) { id } }`;
const BLOCK = `mutation($id: ID!) { block(userId: $id) { id } }`;
const SUSPEND = `mutation($id: ID!) { suspendUser(userId: $id) { id } }`;

const rowId = (user: TestUser) => parseGlobalId(user.id, 'User');

/**
 * The SQL fragments graph lends to other libraries' statements (timeline, notifications,
 * broadcasts), run on real data: they must say what the follows, blocks and mutes say, and the
 * visibility rule in SQL must agree with its in-memory twin used for pushes.
 */
describe('graph SQL fragments', () => {
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let dave: TestUser;

  beforeAll(async () => {
    t = await TestApp.start();
    alice = await t.signUp();
    bob = await t.signUp();
    carol = await t.signUp();
    dave = await t.signUp();
    await t.ok(FOLLOW, { id: bob.id }, alice.token);
    await t.ok(FOLLOW, { id: bob.id, notify: false }, carol.token);
  });
  afterAll(() => t.close());

  it('followersOfSql lists the followers, or only those who asked to be notified', async () => {
    const all = await t.sql<{ follower_id: string }>(followersOfSql('$1::bigint'), [rowId(bob)]);
    expect(all.map((row) => row.follower_id).sort()).toEqual([rowId(alice), rowId(carol)].sort());
    const notifying = await t.sql<{ follower_id: string }>(
      followersOfSql('$1::bigint', { notifying: true }),
      [rowId(bob)],
    );
    expect(notifying.map((row) => row.follower_id)).toEqual([rowId(alice)]);
  });

  it('followsSql and followNotifySql answer for one pair', async () => {
    const pair = async (follower: TestUser, followee: TestUser) => {
      const [row] = await t.sql<{ follows: boolean; notify: boolean | null }>(
        `SELECT ${followsSql('$1::bigint', '$2::bigint')} AS follows,
                ${followNotifySql('$1::bigint', '$2::bigint')} AS notify`,
        [rowId(follower), rowId(followee)],
      );
      return row;
    };
    expect(await pair(alice, bob)).toEqual({ follows: true, notify: true });
    expect(await pair(carol, bob)).toEqual({ follows: true, notify: false });
    expect(await pair(bob, alice)).toEqual({ follows: false, notify: null });
  });

  it('visibleToViewerSql and visibilityAmong agree, in both scopes', async () => {
    await t.ok(MUTE, { id: carol.id }, alice.token);
    await t.ok(BLOCK, { id: alice.id }, dave.token);
    const owners = [alice, bob, carol, dave];
    const viewers = [alice, bob, carol, dave];
    const policy = t.app.get(RelationshipPolicy);
    for (const scope of [VisibilityScope.CONTENT, VisibilityScope.FEED]) {
      const visible = await t.sql<{ owner_id: string; viewer_id: string }>(
        `SELECT o.id AS owner_id, v.id AS viewer_id
         FROM unnest($1::bigint[]) o(id) CROSS JOIN unnest($2::bigint[]) v(id)
         WHERE ${visibleToViewerSql('o.id', 'v.id', scope)}`,
        [owners.map(rowId), viewers.map(rowId)],
      );
      const inSql = new Set(visible.map((row) => `${row.owner_id}:${row.viewer_id}`));
      const map = await policy.visibilityAmong(owners.map(rowId), viewers.map(rowId), scope);
      for (const owner of owners) {
        for (const viewer of viewers) {
          if (owner === viewer) continue;
          const key = `${rowId(owner)}:${rowId(viewer)}`;
          expect([key, scope, map.isVisible(rowId(owner), rowId(viewer))]).toEqual([
            key,
            scope,
            inSql.has(key),
          ]);
        }
      }
      // Dave blocks alice: hidden from her in both scopes; alice mutes carol: only in her feeds.
      expect(inSql.has(`${rowId(dave)}:${rowId(alice)}`)).toBe(false);
      expect(inSql.has(`${rowId(carol)}:${rowId(alice)}`)).toBe(scope === VisibilityScope.CONTENT);
      expect(inSql.has(`${rowId(alice)}:${rowId(dave)}`)).toBe(scope === VisibilityScope.CONTENT);
    }
  });

  it('hides a suspended account in SQL and in memory', async () => {
    const admin = await t.signUp();
    await t.sql(`UPDATE users SET role = 'ADMIN' WHERE handle = $1`, [admin.handle]);
    await t.ok(SUSPEND, { id: bob.id }, admin.token);
    const [row] = await t.sql<{ visible: boolean }>(
      `SELECT ${visibleToViewerSql('$1::bigint', '$2')} AS visible`,
      [rowId(bob), rowId(alice)],
    );
    expect(row.visible).toBe(false);
    const map = await t.app.get(RelationshipPolicy).visibilityAmong([rowId(bob)], [rowId(alice)]);
    expect(map.isVisible(rowId(bob), rowId(alice))).toBe(false);
  });
});
