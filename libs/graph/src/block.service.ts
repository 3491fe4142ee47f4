import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccountsService } from '@app/accounts';
import { defineLoader, InvalidInputError, runInTransaction, Viewer } from '@app/common';
import { FollowService } from './follow.service';
import { GraphEvents } from './graph.events';
import { RelationshipsRepository } from './relationships.repository';

/** Blocks and mutes: what one account chooses not to see of another. */
@Injectable()
export class BlockService {
  /** For a viewer: which of these accounts they block. */
  readonly viewerBlocks = this.viewerLoader('viewerBlocks', (viewerId, userIds) =>
    this.relationships.blockedBy(viewerId, userIds),
  );
  /** For a viewer: which of these accounts they mute. */
  readonly viewerMutes = this.viewerLoader('viewerMutes', (viewerId, userIds) =>
    this.relationships.mutedBy(viewerId, userIds),
  );

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly relationships: RelationshipsRepository,
    private readonly accounts: AccountsService,
    private readonly follows: FollowService,
    private readonly events: GraphEvents,
  ) {}

  /** Blocks `userId`: follows end both ways, and each leaves the other's timeline. Idempotent. */
  async block(viewer: Viewer, userId: string): Promise<void> {
    if (userId === viewer.id) throw InvalidInputError.field('userId', 'you cannot block yourself');
    await runInTransaction(this.db, async (manager) => {
      // Same locks, in the same order, as follow/unfollow: a follow racing this block either
      // commits first (and is removed below) or waits and then sees the block.
      await this.follows.lockPair(manager, viewer.id, userId);
      if (!(await this.relationships.insertBlock(viewer.id, userId, manager))) return;
      await this.follows.removeFollow(manager, viewer.id, userId);
      await this.follows.removeFollow(manager, userId, viewer.id);
      await this.events.emit(manager, 'blocked', { blockerId: viewer.id, blockedId: userId });
    });
  }

  async unblock(viewer: Viewer, userId: string): Promise<void> {
    await this.accounts.getActive(userId);
    await this.relationships.deleteBlock(viewer.id, userId);
  }

  async mute(viewer: Viewer, userId: string): Promise<void> {
    if (userId === viewer.id) throw InvalidInputError.field('userId', 'you cannot mute yourself');
    await this.accounts.getActive(userId);
    await this.relationships.insertMute(viewer.id, userId);
  }

  async unmute(viewer: Viewer, userId: string): Promise<void> {
    await this.accounts.getActive(userId);
    await this.relationships.deleteMute(viewer.id, userId);
  }

  private viewerLoader(
    name: string,
    among: (viewerId: string, userIds: readonly string[]) => Promise<string[]>,
  ) {
    return defineLoader<string, boolean>(name, async (userIds, viewerId) => {
      if (!viewerId) return userIds.map(() => false);
      const found = new Set(await among(viewerId, userIds));
      return userIds.map((id) => found.has(id));
    });
  }
}
