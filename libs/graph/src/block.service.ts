import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccountsService } from '@app/accounts';
import { definePairLoader, InvalidInputError, runInTransaction, Viewer } from '@app/common';
import { FollowService } from './follow.service';
import { GraphEvents } from './graph.events';
import { RelationshipsRepository } from './relationships.repository';

/** Blocks and mutes: what one account chooses not to see of another. */
@Injectable()
export class BlockService {
  /** For a viewer: which of these accounts they block. */
  readonly viewerBlocks = definePairLoader<boolean>(
    'viewerBlocks',
    async (viewerIds, userIds) =>
      (await this.relationships.blocksAmong(viewerIds, userIds)).map((block) => ({
        viewerId: block.blockerId,
        key: block.blockedId,
        value: true,
      })),
    false,
  );
  /** For a viewer: which of these accounts they mute. */
  readonly viewerMutes = definePairLoader<boolean>(
    'viewerMutes',
    async (viewerIds, userIds) =>
      (await this.relationships.mutesAmong(viewerIds, userIds)).map((mute) => ({
        viewerId: mute.muterId,
        key: mute.mutedId,
        value: true,
      })),
    false,
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
}
