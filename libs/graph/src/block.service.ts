import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccountsService } from '@app/accounts';
import { defineLoader, InvalidInputError, runInTransaction, Viewer } from '@app/common';
import { FollowService } from './follow.service';
import { GraphEvents } from './graph.events';

/** Blocks and mutes: what one account chooses not to see of another. */
@Injectable()
export class BlockService {
  readonly viewerBlocks = this.relationLoader('viewerBlocks', 'blocks', 'blocker_id', 'blocked_id');
  readonly viewerMutes = this.relationLoader('viewerMutes', 'mutes', 'muter_id', 'muted_id');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
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
      const inserted = await manager.query<unknown[]>(
        `INSERT INTO blocks (blocker_id, blocked_id) VALUES ($1, $2)
         ON CONFLICT DO NOTHING RETURNING 1`,
        [viewer.id, userId],
      );
      if (inserted.length === 0) return;
      await this.follows.removeFollow(manager, viewer.id, userId);
      await this.follows.removeFollow(manager, userId, viewer.id);
      await this.events.emit(manager, 'blocked', { blockerId: viewer.id, blockedId: userId });
    });
  }

  async unblock(viewer: Viewer, userId: string): Promise<void> {
    await this.accounts.getActive(userId);
    await this.db.query('DELETE FROM blocks WHERE blocker_id = $1 AND blocked_id = $2', [
      viewer.id,
      userId,
    ]);
  }

  async mute(viewer: Viewer, userId: string): Promise<void> {
    if (userId === viewer.id) throw InvalidInputError.field('userId', 'you cannot mute yourself');
    await this.accounts.getActive(userId);
    await this.db.query(
      'INSERT INTO mutes (muter_id, muted_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [viewer.id, userId],
    );
  }

  async unmute(viewer: Viewer, userId: string): Promise<void> {
    await this.accounts.getActive(userId);
    await this.db.query('DELETE FROM mutes WHERE muter_id = $1 AND muted_id = $2', [
      viewer.id,
      userId,
    ]);
  }

  private relationLoader(name: string, table: string, ownColumn: string, otherColumn: string) {
    return defineLoader<string, boolean>(name, async (userIds, viewerId) => {
      if (!viewerId) return userIds.map(() => false);
      const rows = await this.db.query<{ other: string }[]>(
        `SELECT ${otherColumn} AS other FROM ${table} WHERE ${ownColumn} = $1 AND ${otherColumn} = ANY($2::bigint[])`,
        [viewerId, userIds],
      );
      const set = new Set(rows.map((row) => row.other));
      return userIds.map((id) => set.has(id));
    });
  }
}
