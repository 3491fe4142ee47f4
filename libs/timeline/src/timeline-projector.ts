import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AccountEvents } from '@app/accounts';
import { BroadcastEntity, BroadcastEvents, broadcastSortAt } from '@app/broadcasts';
import { GraphEvents } from '@app/graph';
import { PostEvents } from '@app/posts';
import { TimelineItemKind } from './entities/timeline-entry.entity';
import { TimelineUpdateKind } from './entities/timeline-update.entity';
import { FanoutOptions, TimelineFanout } from './timeline-fanout';
import { TimelineItemRef } from './timeline-sources';
import { TimelineUpdates } from './timeline-updates';

/**
 * Keeps home timelines and their update log in step with posts, follows and blocks: each domain
 * event changes timeline rows and records the matching updates in the same transaction.
 */
@Injectable()
export class TimelineProjector {
  constructor(
    private readonly fanout: TimelineFanout,
    private readonly updates: TimelineUpdates,
  ) {}

  subscribe(
    posts: PostEvents,
    graph: GraphEvents,
    accounts: AccountEvents,
    broadcasts: BroadcastEvents,
  ): void {
    broadcasts.on('scheduled', (manager, { broadcast }) =>
      this.add(manager, TimelineUpdateKind.ADDED, broadcastItem(broadcast)),
    );
    broadcasts.on('wentLive', async (manager, { broadcast, scheduledSortAt }) => {
      // A scheduled card moves to the moment it went live; NOW_LIVE announces the move.
      if (scheduledSortAt) await this.fanout.remove(manager, broadcast.id);
      await this.add(manager, TimelineUpdateKind.NOW_LIVE, broadcastItem(broadcast));
    });
    broadcasts.on('ended', (manager, { broadcast }) =>
      this.touch(manager, TimelineUpdateKind.ENDED, broadcastItem(broadcast)),
    );
    broadcasts.on('replayChanged', (manager, { broadcast }) =>
      this.touch(manager, TimelineUpdateKind.UPDATED, broadcastItem(broadcast)),
    );
    broadcasts.on('canceled', (manager, { broadcast }) =>
      this.remove(manager, broadcastItem(broadcast)),
    );
    posts.on('created', async (manager, { post, replyToAuthorId }) => {
      const item = {
        kind: TimelineItemKind.POST,
        itemId: post.id,
        authorId: post.authorId,
        sortAt: post.createdAt,
      };
      await this.add(manager, TimelineUpdateKind.ADDED, item, {
        onlyFollowersOf: replyToAuthorId,
        newItem: true,
      });
    });
    posts.on('deleted', (manager, { post }) =>
      this.remove(manager, {
        kind: TimelineItemKind.POST,
        itemId: post.id,
        authorId: post.authorId,
      }),
    );
    graph.on('followed', async (manager, { followerId, followeeId }) => {
      for (const item of await this.fanout.backfill(manager, followerId, followeeId)) {
        await this.updates.record(manager, TimelineUpdateKind.ADDED, item, [followerId]);
      }
      this.updates.refreshAfterCommit(manager, followerId);
    });
    graph.on('unfollowed', async (manager, { followerId, followeeId }) => {
      await this.removeAuthor(manager, followerId, followeeId);
      this.updates.refreshAfterCommit(manager, followerId);
    });
    graph.on('blocked', async (manager, { blockerId, blockedId }) => {
      await this.removeAuthor(manager, blockerId, blockedId);
      await this.removeAuthor(manager, blockedId, blockerId);
      this.updates.refreshAfterCommit(manager, blockerId);
      this.updates.refreshAfterCommit(manager, blockedId);
    });
    accounts.on('deleting', (manager, { userId }) => this.fanout.forgetAccount(manager, userId));
  }

  /** Puts an item into timelines and records `kind` (ADDED, NOW_LIVE) for each of them. */
  async add(
    manager: EntityManager,
    kind: TimelineUpdateKind,
    item: TimelineItemRef,
    options: FanoutOptions = {},
  ): Promise<void> {
    const { owners, pulled } = await this.fanout.add(manager, kind, item, options);
    this.updates.ringAfterCommit(manager, item, owners, pulled);
  }

  /** Records `kind` (ENDED, UPDATED) for every timeline holding the item. */
  async touch(
    manager: EntityManager,
    kind: TimelineUpdateKind,
    item: Omit<TimelineItemRef, 'sortAt'>,
  ): Promise<void> {
    const { owners, pulled } = await this.fanout.holders(manager, item.itemId);
    await this.updates.record(manager, kind, item, owners, pulled);
  }

  /** Takes an item out of every timeline and records REMOVED for each. */
  async remove(manager: EntityManager, item: Omit<TimelineItemRef, 'sortAt'>): Promise<void> {
    const { owners, pulled } = await this.fanout.removeAndLog(
      manager,
      TimelineUpdateKind.REMOVED,
      item,
    );
    this.updates.ringAfterCommit(manager, item, owners, pulled);
  }

  private async removeAuthor(
    manager: EntityManager,
    ownerId: string,
    authorId: string,
  ): Promise<void> {
    for (const item of await this.fanout.removeAuthor(manager, ownerId, authorId)) {
      await this.updates.record(manager, TimelineUpdateKind.REMOVED, item, [ownerId]);
    }
  }
}

function broadcastItem(broadcast: BroadcastEntity): TimelineItemRef {
  return {
    kind: TimelineItemKind.BROADCAST,
    itemId: broadcast.id,
    authorId: broadcast.broadcasterId,
    sortAt: broadcastSortAt(broadcast),
  };
}
