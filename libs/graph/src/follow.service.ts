import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AccountsService, UserEntity, UsersRepository } from '@app/accounts';
import {
  ConflictError,
  ConnectionArgs,
  ConnectionShape,
  definePairLoader,
  InvalidInputError,
  NotFoundError,
  RateLimits,
  runInTransaction,
  Viewer,
  withNode,
} from '@app/common';
import { FollowSide, FollowsRepository } from './follows.repository';
import { GraphEvents } from './graph.events';
import { RelationshipPolicy } from './relationship.policy';

export interface FollowState {
  notify: boolean;
}

/** Where follows are stored and changed; counts move in the same transaction. */
@Injectable()
export class FollowService {
  /** For a viewer: how they follow each of these accounts (undefined: not at all). */
  readonly viewerFollows = definePairLoader<FollowState | undefined>(
    'viewerFollows',
    async (viewerIds, userIds) =>
      (await this.followRows.findPairs(viewerIds, userIds)).map((follow) => ({
        viewerId: follow.followerId,
        key: follow.followeeId,
        value: { notify: follow.notify },
      })),
    undefined,
  );

  /** For a viewer: which of these accounts follow them. */
  readonly followsViewer = definePairLoader<boolean>(
    'followsViewer',
    async (viewerIds, userIds) =>
      (await this.followRows.findPairs(userIds, viewerIds)).map((follow) => ({
        viewerId: follow.followeeId,
        key: follow.followerId,
        value: true,
      })),
    false,
  );

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly followRows: FollowsRepository,
    private readonly users: UsersRepository,
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
      if (await this.followRows.upsert(viewer.id, userId, notify ?? null, manager)) {
        await this.users.adjustFollowCounts(viewer.id, userId, 1, manager);
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
    if (await this.followRows.delete(followerId, followeeId, manager)) {
      await this.users.adjustFollowCounts(followerId, followeeId, -1, manager);
      await this.events.emit(manager, 'unfollowed', { followerId, followeeId });
    }
  }

  /**
   * Before an account is deleted: drops its follows both ways and takes them off the counts of
   * the accounts on the other side (one account can be both followed and following).
   */
  async forgetAccount(manager: EntityManager, userId: string): Promise<void> {
    await this.followRows.deleteAllOf(userId, manager);
  }

  /**
   * Accounts following `userId`, newest follow first, as `viewerId` may see them: accounts that
   * block the viewer are left out (RelationshipPolicy: they are invisible to the viewer), and
   * none at all when `userId` blocks the viewer.
   */
  followers(
    userId: string,
    args: ConnectionArgs,
    viewerId?: string,
  ): Promise<ConnectionShape<UserEntity>> {
    return this.list(FollowSide.FOLLOWERS, userId, args, viewerId);
  }

  /** Accounts `userId` follows, newest first, as `followers` leaves out what `viewerId` may not see. */
  following(
    userId: string,
    args: ConnectionArgs,
    viewerId?: string,
  ): Promise<ConnectionShape<UserEntity>> {
    return this.list(FollowSide.FOLLOWING, userId, args, viewerId);
  }

  private async list(
    side: FollowSide,
    userId: string,
    args: ConnectionArgs,
    viewerId: string | undefined,
  ): Promise<ConnectionShape<UserEntity>> {
    const page = await this.followRows.page(side, userId, args, viewerId ?? null);
    const otherOf = (follow: { followerId: string; followeeId: string }) =>
      side === FollowSide.FOLLOWERS ? follow.followerId : follow.followeeId;
    const users = await this.accounts.findManyActive(page.edges.map((edge) => otherOf(edge.node)));
    // An account suspended between the two statements is left out.
    return {
      edges: page.edges.flatMap((edge) => {
        const user = users.get(otherOf(edge.node));
        return user ? [withNode(edge, user)] : [];
      }),
      pageInfo: page.pageInfo,
    };
  }

  /**
   * Row-locks both accounts of a follow or block, lowest id first, before anything else is read or
   * written: every change between two accounts (follow, unfollow, block, in either direction)
   * queues on the same locks in the same order, so concurrent ones serialize instead of
   * deadlocking, and a concurrent block or suspension cannot interleave. The lock is FOR NO KEY
   * UPDATE, the one the counter update takes anyway: a shared lock would have to be upgraded by
   * that update, which deadlocks as soon as two transactions hold it. NOT_FOUND when `userId` is
   * missing or suspended.
   */
  async lockPair(manager: EntityManager, viewerId: string, userId: string): Promise<void> {
    const ids = [viewerId, userId].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    let targetActive = false;
    for (const id of ids) {
      const active = await this.users.lockForRelationship(id, manager);
      if (id === userId) targetActive = active === true;
    }
    if (!targetActive) throw new NotFoundError('The user');
  }
}
