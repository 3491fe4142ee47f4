import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { UserModel } from '@app/accounts';
import { defineLoader, NotFoundError, RequestLoaders } from '@app/common';

/**
 * The one place that says who may see and reach whom. Every feature that shows one account's
 * content to another, or lets one account act on another, asks here.
 *
 * Rules (PRODUCT.md, Social graph): an account that blocked the viewer is invisible to the viewer
 * and cannot be followed, mentioned, replied to or joined by them. Its profile and content (posts,
 * broadcasts, comments, shows) answer NOT_FOUND when asked for, are left out of lists, and are
 * null where a nullable field points at them. Where the API must still answer with its profile
 * (`withheldProfile`), its lists (timeline, followers, following) are empty. Acting on it answers
 * NOT_FOUND before any FORBIDDEN, so a refusal never confirms it exists (admins moderate whatever
 * exists). Live pushes skip the viewers it blocks. Mutes only filter the muter's timeline and
 * notifications.
 *
 * Counts (followersCount, likesCount, repliesCount, commentsCount, ...) are public aggregates,
 * stored on the row and the same for every viewer: they include what a block hides from some
 * viewers, as on Twitter and Mastodon: filtering them would mean a count per item per viewer.
 * Only a withheld profile shows its counts as 0.
 */
/**
 * The same rule for lists, as a SQL condition: the account in `ownerColumn` is active and does
 * not block the viewer whose id is the parameter `viewerParam` (e.g. '$3'; NULL when signed out).
 */
export function visibleToViewerSql(ownerColumn: string, viewerParam: string): string {
  return `EXISTS (SELECT 1 FROM users vu WHERE vu.id = ${ownerColumn} AND vu.suspended_at IS NULL)
    AND NOT EXISTS (SELECT 1 FROM blocks vb
      WHERE vb.blocker_id = ${ownerColumn} AND vb.blocked_id = ${viewerParam}::bigint)`;
}

@Injectable()
export class RelationshipPolicy {
  /** For a viewer: which of these accounts block them. */
  readonly blocksViewer = defineLoader<string, boolean>(
    'blocksViewer',
    async (userIds, viewerId) => {
      if (!viewerId) return userIds.map(() => false);
      const rows = await this.db.query<{ blocker_id: string }[]>(
        'SELECT blocker_id FROM blocks WHERE blocked_id = $1 AND blocker_id = ANY($2::bigint[])',
        [viewerId, userIds],
      );
      const blockers = new Set(rows.map((row) => row.blocker_id));
      return userIds.map((id) => blockers.has(id));
    },
  );

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** True when `ownerId`'s content is hidden from the viewer. */
  async isHiddenFrom(
    loaders: RequestLoaders,
    ownerId: string,
    viewerId: string | undefined,
  ): Promise<boolean> {
    if (!viewerId || viewerId === ownerId) return false;
    return loaders.load(this.blocksViewer, ownerId);
  }

  /** NOT_FOUND when `ownerId` blocks the viewer; use before showing or acting on their things. */
  async assertVisible(
    loaders: RequestLoaders,
    ownerId: string,
    viewerId: string | undefined,
    what: string,
  ): Promise<void> {
    if (await this.isHiddenFrom(loaders, ownerId, viewerId)) throw new NotFoundError(what);
  }

  /**
   * Of `viewerIds`, those `ownerId`'s content is hidden from, in one statement: for pushing one
   * account's content to many subscribers at once.
   */
  async hiddenFromAmong(ownerId: string, viewerIds: string[]): Promise<Set<string>> {
    const others = viewerIds.filter((id) => id !== ownerId);
    if (others.length === 0) return new Set();
    const rows = await this.db.query<{ blocked_id: string }[]>(
      'SELECT blocked_id FROM blocks WHERE blocker_id = $1 AND blocked_id = ANY($2::bigint[])',
      [ownerId, others],
    );
    return new Set(rows.map((row) => row.blocked_id));
  }

  /** Inside a transaction: whether `blockerId` blocks `blockedId`. */
  async blocks(manager: EntityManager, blockerId: string, blockedId: string): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      'SELECT 1 FROM blocks WHERE blocker_id = $1 AND blocked_id = $2',
      [blockerId, blockedId],
    );
    return rows.length > 0;
  }

  /** Of `userIds`, those between whom and `userId` a block stands, either way. */
  async blockedEitherWay(
    manager: EntityManager,
    userId: string,
    userIds: string[],
  ): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const rows = await manager.query<{ other: string }[]>(
      `SELECT blocked_id AS other FROM blocks WHERE blocker_id = $1 AND blocked_id = ANY($2::bigint[])
       UNION
       SELECT blocker_id AS other FROM blocks WHERE blocked_id = $1 AND blocker_id = ANY($2::bigint[])`,
      [userId, userIds],
    );
    return new Set(rows.map((row) => row.other));
  }
}

/**
 * What an account that blocks the viewer shows them where the API must still answer with it
 * (blocking back, lifting one's own block): the handle and nothing else it wrote or counts.
 */
export function withheldProfile(user: UserModel): UserModel {
  return Object.assign(new UserModel(), {
    ...user,
    displayName: user.handle,
    bio: null,
    avatarUrl: null,
    followersCount: 0,
    followingCount: 0,
    postsCount: 0,
  });
}
