import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { activeUserSql } from '@app/accounts';
import { GenerateSql, Queryable } from '@app/database';

/**
 * How far "visible to this viewer" reaches:
 * - CONTENT: anywhere one account's things are shown to another (lists, lookups, pushes): the
 *   owner is active and does not block the viewer.
 * - FEED: the viewer's own feeds (home timeline, notifications): also not muted or blocked by the
 *   viewer.
 */
export enum VisibilityScope {
  CONTENT = 'CONTENT',
  FEED = 'FEED',
}

/** An (owner, viewer) pair the policy hides: the owner's things are not shown to the viewer. */
export interface HiddenPair {
  owner_id: string;
  viewer_id: string;
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
    const content = `${activeUserSql(ownerColumn)}
    AND NOT EXISTS (SELECT 1 FROM blocks vb WHERE vb.blocker_id = ${ownerColumn} AND vb.blocked_id = ${viewer})`;
    if (scope === VisibilityScope.CONTENT) return content;
    return `${content}
    AND NOT EXISTS (SELECT 1 FROM blocks vbv WHERE vbv.blocker_id = ${viewer} AND vbv.blocked_id = ${ownerColumn})
    AND NOT EXISTS (SELECT 1 FROM mutes vm WHERE vm.muter_id = ${viewer} AND vm.muted_id = ${ownerColumn})`;
  }

  /** Of `ownerIds`, those that block `viewerId`. */
  @GenerateSql({ params: [['3', ['1', '2']]] })
  async blockersOf(viewerId: string, ownerIds: readonly string[]): Promise<string[]> {
    const rows = await this.db.query<{ blocker_id: string }[]>(
      'SELECT blocker_id FROM blocks WHERE blocked_id = $1 AND blocker_id = ANY($2::bigint[])',
      [viewerId, ownerIds],
    );
    return rows.map((row) => row.blocker_id);
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
    const byOwner =
      'SELECT blocker_id AS owner_id, blocked_id AS viewer_id FROM blocks WHERE blocker_id = ANY($1::bigint[]) AND blocked_id = ANY($2::bigint[])';
    const byViewer = `
       UNION SELECT blocked_id, blocker_id FROM blocks WHERE blocked_id = ANY($1::bigint[]) AND blocker_id = ANY($2::bigint[])
       UNION SELECT muted_id, muter_id FROM mutes WHERE muted_id = ANY($1::bigint[]) AND muter_id = ANY($2::bigint[])`;
    return this.db.query<HiddenPair[]>(
      scope === VisibilityScope.FEED ? byOwner + byViewer : byOwner,
      [ownerIds, viewerIds],
    );
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
}
