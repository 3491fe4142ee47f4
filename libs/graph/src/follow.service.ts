import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AccountsService, UserEntity } from '@app/accounts';
import {
  byKeys,
  ConflictError,
  ConnectionArgs,
  defineLoader,
  encodeCursor,
  InvalidInputError,
  keysetCondition,
  NotFoundError,
  pageSize,
  RateLimits,
  runInTransaction,
  Viewer,
} from '@app/common';
import { returningRows } from '@app/database';
import { GraphEvents } from './graph.events';
import { RelationshipPolicy, visibleToViewerSql } from './relationship.policy';

export interface FollowState {
  notify: boolean;
}

export interface FollowListRow {
  user: UserEntity;
  cursor: string;
}

/** Where follows are stored and changed; counts move in the same transaction. */
@Injectable()
export class FollowService {
  /** For a viewer: how they follow each of these accounts (undefined: not at all). */
  readonly viewerFollows = defineLoader<string, FollowState | undefined>(
    'viewerFollows',
    async (userIds, viewerId) => {
      if (!viewerId) return userIds.map(() => undefined);
      const rows = await this.db.query<{ followee_id: string; notify: boolean }[]>(
        'SELECT followee_id, notify FROM follows WHERE follower_id = $1 AND followee_id = ANY($2::bigint[])',
        [viewerId, userIds],
      );
      return byKeys(
        userIds,
        rows,
        (r) => r.followee_id,
        (r) => ({ notify: r.notify }),
        undefined,
      );
    },
  );

  /** For a viewer: which of these accounts follow them. */
  readonly followsViewer = defineLoader<string, boolean>(
    'followsViewer',
    async (userIds, viewerId) => {
      if (!viewerId) return userIds.map(() => false);
      const rows = await this.db.query<{ follower_id: string }[]>(
        'SELECT follower_id FROM follows WHERE followee_id = $1 AND follower_id = ANY($2::bigint[])',
        [viewerId, userIds],
      );
      const followers = new Set(rows.map((row) => row.follower_id));
      return userIds.map((id) => followers.has(id));
    },
  );

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly accounts: AccountsService,
    private readonly policy: RelationshipPolicy,
    private readonly events: GraphEvents,
    private readonly limits: RateLimits,
  ) {}

  /**
   * Follows `userId`. Idempotent: following again only updates `notify` when it is given.
   * Accounts that block the viewer are NOT_FOUND; accounts the viewer blocks are a CONFLICT.
   */
  async follow(viewer: Viewer, userId: string, notify: boolean | undefined): Promise<void> {
    if (userId === viewer.id) throw InvalidInputError.field('userId', 'you cannot follow yourself');
    await this.limits.consume(
      'follows',
      viewer.id,
      'You are following accounts too fast. Wait a while and try again.',
    );
    await runInTransaction(this.db, async (manager) => {
      await this.lockPair(manager, viewer.id, userId);
      if (await this.policy.blocks(manager, userId, viewer.id)) throw new NotFoundError('The user');
      if (await this.policy.blocks(manager, viewer.id, userId)) {
        throw new ConflictError('You block this account; unblock it before following.');
      }
      const [row] = await manager.query<{ inserted: boolean }[]>(
        `INSERT INTO follows (follower_id, followee_id, notify) VALUES ($1, $2, COALESCE($3, true))
         ON CONFLICT (follower_id, followee_id)
         DO UPDATE SET notify = COALESCE($3, follows.notify)
         RETURNING (xmax = 0) AS inserted`,
        [viewer.id, userId, notify ?? null],
      );
      if (row.inserted) {
        await this.adjustCounts(manager, viewer.id, userId, 1);
        await this.events.emit(manager, 'followed', { followerId: viewer.id, followeeId: userId });
      }
    });
  }

  /** Idempotent; the account must exist. */
  async unfollow(viewer: Viewer, userId: string): Promise<void> {
    await runInTransaction(this.db, async (manager) => {
      await this.lockPair(manager, viewer.id, userId);
      await this.removeFollow(manager, viewer.id, userId);
    });
  }

  /** Deletes one follow edge if present, with its counts and events. */
  async removeFollow(
    manager: EntityManager,
    followerId: string,
    followeeId: string,
  ): Promise<void> {
    const deleted = await returningRows(
      manager,
      'DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2 RETURNING 1',
      [followerId, followeeId],
    );
    if (deleted.length > 0) {
      await this.adjustCounts(manager, followerId, followeeId, -1);
      await this.events.emit(manager, 'unfollowed', { followerId, followeeId });
    }
  }

  /**
   * Before an account is deleted: drops its follows both ways and takes them off the counts of
   * the accounts on the other side (one account can be both followed and following).
   */
  async forgetAccount(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(
      `WITH gone AS (
         DELETE FROM follows WHERE follower_id = $1 OR followee_id = $1
         RETURNING follower_id, followee_id
       ), lost AS (
         SELECT CASE WHEN follower_id = $1 THEN followee_id ELSE follower_id END AS id,
                count(*) FILTER (WHERE follower_id = $1)::int AS followers,
                count(*) FILTER (WHERE followee_id = $1)::int AS following
         FROM gone GROUP BY 1
       )
       UPDATE users u SET followers_count = u.followers_count - lost.followers,
                          following_count = u.following_count - lost.following
       FROM lost WHERE u.id = lost.id`,
      [userId],
    );
  }

  /**
   * Accounts following `userId`, newest follow first, as `viewerId` may see them: accounts that
   * block the viewer are left out (RelationshipPolicy: they are invisible to the viewer), and
   * none at all when `userId` blocks the viewer.
   */
  followers(userId: string, args: ConnectionArgs, viewerId?: string): Promise<FollowListRow[]> {
    return this.list('followee_id', 'follower_id', userId, args, viewerId);
  }

  /** Accounts `userId` follows, newest first, as `followers` leaves out what `viewerId` may not see. */
  following(userId: string, args: ConnectionArgs, viewerId?: string): Promise<FollowListRow[]> {
    return this.list('follower_id', 'followee_id', userId, args, viewerId);
  }

  private async list(
    ownColumn: 'follower_id' | 'followee_id',
    otherColumn: 'follower_id' | 'followee_id',
    userId: string,
    args: ConnectionArgs,
    viewerId: string | undefined,
  ): Promise<FollowListRow[]> {
    const params: unknown[] = [userId, pageSize(args) + 1, viewerId ?? null];
    const after = keysetCondition(
      args.after,
      [
        { sql: 'f.created_at', part: 'timestamp' },
        { sql: `f.${otherColumn}`, part: 'int' },
      ],
      'DESC',
      params,
    );
    const rows = await this.db.query<{ other_id: string; created_at: Date }[]>(
      `SELECT f.${otherColumn} AS other_id, f.created_at FROM follows f
       WHERE f.${ownColumn} = $1 ${after && `AND ${after}`}
         AND ${visibleToViewerSql('$1', '$3')}
         AND ${visibleToViewerSql(`f.${otherColumn}`, '$3')}
       ORDER BY f.created_at DESC, f.${otherColumn} DESC
       LIMIT $2`,
      params,
    );
    const users = await this.accounts.findManyActive(rows.map((row) => row.other_id));
    return rows.flatMap((row) => {
      const user = users.get(row.other_id);
      return user
        ? [{ user, cursor: encodeCursor([row.created_at.toISOString(), row.other_id]) }]
        : [];
    });
  }

  /**
   * Row-locks both accounts of a follow or block, lowest id first, before anything else is read or
   * written: every change between two accounts (follow, unfollow, block, in either direction)
   * queues on the same locks in the same order, so concurrent ones serialize instead of
   * deadlocking, and a concurrent block or suspension cannot interleave. The lock is FOR NO KEY
   * UPDATE, the one the counter update takes anyway: a shared lock would have to be upgraded by
   * adjustCounts, which deadlocks as soon as two transactions hold it. NOT_FOUND when `userId` is
   * missing or suspended.
   */
  async lockPair(manager: EntityManager, viewerId: string, userId: string): Promise<void> {
    const ids = [viewerId, userId].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    let targetActive = false;
    for (const id of ids) {
      const rows = await manager.query<{ active: boolean }[]>(
        'SELECT suspended_at IS NULL AS active FROM users WHERE id = $1 FOR NO KEY UPDATE',
        [id],
      );
      if (id === userId) targetActive = rows[0]?.active === true;
    }
    if (!targetActive) throw new NotFoundError('The user');
  }

  /** One statement for both rows, so concurrent follows lock them in the same order. */
  private async adjustCounts(
    manager: EntityManager,
    followerId: string,
    followeeId: string,
    delta: 1 | -1,
  ): Promise<void> {
    await manager.query(
      `UPDATE users SET
         following_count = following_count + CASE WHEN id = $1 THEN $3::int ELSE 0 END,
         followers_count = followers_count + CASE WHEN id = $2 THEN $3::int ELSE 0 END
       WHERE id IN ($1, $2)`,
      [followerId, followeeId, delta],
    );
  }
}
