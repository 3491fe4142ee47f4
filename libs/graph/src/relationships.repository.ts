import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { activeUserSql } from '@app/accounts';
import { GenerateSql, Queryable } from '@app/database';

/**
 * SQL the graph library lends to other libraries' statements: true when the account in
 * `blockerSql` blocks the one in `blockedSql`.
 */
export function blocksSql(blockerSql: string, blockedSql: string): string {
  return `EXISTS (SELECT 1 FROM blocks bx WHERE bx.blocker_id = ${blockerSql} AND bx.blocked_id = ${blockedSql})`;
}

/**
 * How far "visible to this viewer" reaches:
 * - CONTENT: anywhere one account's things are shown to another (lists, lookups, pushes): the
 *   owner is active and does not block the viewer.
 * - FEED: the viewer's own feeds (notifications, and the home timeline as FOLLOWED_FEED): also not
 *   muted or blocked by the viewer.
 */
export enum VisibilityScope {
  CONTENT = 'CONTENT',
  FEED = 'FEED',
  /**
   * FEED over what the viewer follows (the home timeline): a block ends follows both ways and
   * takes the items out in its own transaction, so only suspension and mutes are left to check,
   * which keeps the hottest read's plan as small as it was.
   */
  FOLLOWED_FEED = 'FOLLOWED_FEED',
}

/** An (owner, viewer) pair the policy hides: the owner's things are not shown to the viewer. */
export interface HiddenPair {
  ownerId: string;
  viewerId: string;
}

/** The `blocks` and `mutes` tables, as read by RelationshipPolicy. */
@Injectable()
export class RelationshipsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * The visibility rule as a SQL condition: the account in `ownerColumn` is visible to the viewer
   * whose id is the parameter `viewerParam` (e.g. '$3'; NULL when signed out).
   */
  static visibleSql(ownerColumn: string, viewerParam: string, scope: VisibilityScope): string {
    const viewer = `${viewerParam}::bigint`;
    const notMuted = `NOT EXISTS (SELECT 1 FROM mutes vm WHERE vm.muter_id = ${viewer} AND vm.muted_id = ${ownerColumn})`;
    if (scope === VisibilityScope.FOLLOWED_FEED)
      return `${activeUserSql(ownerColumn)} AND ${notMuted}`;
    const content = `${activeUserSql(ownerColumn)}
    AND NOT ${blocksSql(ownerColumn, viewer)}`;
    if (scope === VisibilityScope.CONTENT) return content;
    return `${content}
    AND NOT ${blocksSql(viewer, ownerColumn)}
    AND ${notMuted}`;
  }

  /**
   * The pairs among `ownerIds` × `viewerIds` where a block or mute hides the owner from the viewer
   * in `scope` (suspension is the accounts library's, checked apart).
   */
  @GenerateSql({
    params: [
      [['1'], ['2', '3'], VisibilityScope.CONTENT],
      [['1'], ['2'], VisibilityScope.FEED],
    ],
  })
  async hiddenPairs(
    ownerIds: readonly string[],
    viewerIds: readonly string[],
    scope: VisibilityScope,
  ): Promise<HiddenPair[]> {
    // CONTENT hides only what the owner blocked: the blocks among them.
    if (scope === VisibilityScope.CONTENT) {
      return (await this.blocksAmong(ownerIds, viewerIds)).map((block) => ({
        ownerId: block.blockerId,
        viewerId: block.blockedId,
      }));
    }
    const rows = await this.db.query<{ owner_id: string; viewer_id: string }[]>(
      `SELECT blocker_id AS owner_id, blocked_id AS viewer_id FROM blocks WHERE blocker_id = ANY($1::bigint[]) AND blocked_id = ANY($2::bigint[])
       UNION SELECT blocked_id, blocker_id FROM blocks WHERE blocked_id = ANY($1::bigint[]) AND blocker_id = ANY($2::bigint[])
       UNION SELECT muted_id, muter_id FROM mutes WHERE muted_id = ANY($1::bigint[]) AND muter_id = ANY($2::bigint[])`,
      [ownerIds, viewerIds],
    );
    return rows.map((row) => ({ ownerId: row.owner_id, viewerId: row.viewer_id }));
  }

  /** Whether `blockerId` blocks `blockedId` (inside a transaction: pass its manager). */
  @GenerateSql({ params: [['1', '2']] })
  async blocks(blockerId: string, blockedId: string, db: Queryable = this.db): Promise<boolean> {
    const rows = await db.query<unknown[]>(
      'SELECT 1 FROM blocks WHERE blocker_id = $1 AND blocked_id = $2',
      [blockerId, blockedId],
    );
    return rows.length > 0;
  }

  /** Of `userIds`, those between whom and `userId` a block stands, either way. */
  @GenerateSql({ params: [['1', ['2', '3']]] })
  async blockedEitherWay(
    userId: string,
    userIds: readonly string[],
    db: Queryable = this.db,
  ): Promise<string[]> {
    const rows = await db.query<{ other: string }[]>(
      `SELECT blocked_id AS other FROM blocks WHERE blocker_id = $1 AND blocked_id = ANY($2::bigint[])
       UNION
       SELECT blocker_id AS other FROM blocks WHERE blocked_id = $1 AND blocker_id = ANY($2::bigint[])`,
      [userId, userIds],
    );
    return rows.map((row) => row.other);
  }

  /** Records the block; true when it is new. */
  @GenerateSql({ params: [['1', '2']] })
  async insertBlock(
    blockerId: string,
    blockedId: string,
    db: Queryable = this.db,
  ): Promise<boolean> {
    const inserted = await db.query<unknown[]>(
      `INSERT INTO blocks (blocker_id, blocked_id) VALUES ($1, $2)
       ON CONFLICT DO NOTHING RETURNING 1`,
      [blockerId, blockedId],
    );
    return inserted.length > 0;
  }

  @GenerateSql({ params: [['1', '2']] })
  async deleteBlock(blockerId: string, blockedId: string): Promise<void> {
    await this.db.query('DELETE FROM blocks WHERE blocker_id = $1 AND blocked_id = $2', [
      blockerId,
      blockedId,
    ]);
  }

  @GenerateSql({ params: [['1', '2']] })
  async insertMute(muterId: string, mutedId: string): Promise<void> {
    await this.db.query(
      'INSERT INTO mutes (muter_id, muted_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [muterId, mutedId],
    );
  }

  @GenerateSql({ params: [['1', '2']] })
  async deleteMute(muterId: string, mutedId: string): Promise<void> {
    await this.db.query('DELETE FROM mutes WHERE muter_id = $1 AND muted_id = $2', [
      muterId,
      mutedId,
    ]);
  }

  /** The blocks by any of `blockerIds` of any of `userIds`. */
  @GenerateSql({ params: [[['1'], ['2', '3']]] })
  async blocksAmong(
    blockerIds: readonly string[],
    userIds: readonly string[],
  ): Promise<{ blockerId: string; blockedId: string }[]> {
    const rows = await this.db.query<{ blocker_id: string; blocked_id: string }[]>(
      'SELECT blocker_id, blocked_id FROM blocks WHERE blocker_id = ANY($1::bigint[]) AND blocked_id = ANY($2::bigint[])',
      [blockerIds, userIds],
    );
    return rows.map((row) => ({ blockerId: row.blocker_id, blockedId: row.blocked_id }));
  }

  /** The mutes by any of `muterIds` of any of `userIds`. */
  @GenerateSql({ params: [[['1'], ['2', '3']]] })
  async mutesAmong(
    muterIds: readonly string[],
    userIds: readonly string[],
  ): Promise<{ muterId: string; mutedId: string }[]> {
    const rows = await this.db.query<{ muter_id: string; muted_id: string }[]>(
      `SELECT muter_id, muted_id FROM mutes
       WHERE muter_id = ANY($1::bigint[]) AND muted_id = ANY($2::bigint[])`,
      [muterIds, userIds],
    );
    return rows.map((row) => ({ muterId: row.muter_id, mutedId: row.muted_id }));
  }
}
