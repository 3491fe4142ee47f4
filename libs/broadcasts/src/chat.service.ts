import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccountsService } from '@app/accounts';
import {
  afterCommit,
  canModerate,
  ConnectionArgs,
  ConnectionShape,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  RateLimits,
  RequestLoaders,
  Role,
  runInTransaction,
  Viewer,
} from '@app/common';
import { FollowService, RelationshipPolicy } from '@app/graph';
import { BroadcastBansRepository } from './broadcast-bans.repository';
import { BroadcastCommentsRepository } from './broadcast-comments.repository';
import { BroadcastPublisher } from './broadcast-publisher';
import { parseCommentText, requireLive } from './broadcast-rules';
import { BroadcastEventKind } from './broadcast-topics';
import { BroadcastsService } from './broadcasts.service';
import { BroadcastEntity, ChatMode } from './entities/broadcast.entity';
import { BroadcastCommentEntity } from './entities/broadcast-comment.entity';
import { PresenceService } from './presence.service';

/** The live chat: its comments, posting and removing them, and bans. */
@Injectable()
export class ChatService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly comments: BroadcastCommentsRepository,
    private readonly bans: BroadcastBansRepository,
    private readonly accounts: AccountsService,
    private readonly broadcasts: BroadcastsService,
    private readonly follows: FollowService,
    private readonly policy: RelationshipPolicy,
    private readonly presence: PresenceService,
    private readonly publisher: BroadcastPublisher,
    private readonly limits: RateLimits,
  ) {}

  /** A comment on a LIVE broadcast, as its chat mode allows and the `comments` rate limit. */
  async post(
    viewer: Viewer,
    broadcastId: string,
    rawText: string,
    loaders: RequestLoaders,
  ): Promise<BroadcastCommentEntity> {
    const text = parseCommentText(rawText);
    const broadcast = requireLive(
      await this.broadcasts.getVisible(loaders, broadcastId, viewer.id),
    );
    await this.assertMayComment(loaders, viewer, broadcast);
    await this.limits.consume(
      'comments',
      `${viewer.id}:${broadcastId}`,
      'You are commenting too fast. Wait a few seconds and try again.',
    );
    return runInTransaction(this.db, async (manager) => {
      // The counter first: its row lock orders this comment with a concurrent end, which it
      // either precedes or sees (and then fails).
      const counted = await this.comments.countNew(broadcastId, viewer.id, manager);
      if (!counted) throw new NotFoundError('The live broadcast');
      const comment = await this.comments.insert(
        broadcastId,
        viewer.id,
        text,
        counted.startedAt,
        manager,
      );
      afterCommit(manager, () =>
        this.publisher.publish(BroadcastEventKind.COMMENT, counted, { comment }),
      );
      return comment;
    });
  }

  /**
   * The chat of a broadcast in replay order (offset from the start, then id), without the
   * comments of accounts hidden from the viewer.
   */
  list(
    broadcastId: string,
    viewerId: string | undefined,
    args: ConnectionArgs,
  ): Promise<ConnectionShape<BroadcastCommentEntity>> {
    return this.comments.page(broadcastId, viewerId, args);
  }

  /** The broadcaster, an admin or the author removes a comment. */
  async remove(viewer: Viewer, commentId: string, loaders: RequestLoaders): Promise<void> {
    const comment = await loaders.load(this.broadcasts.commentById, commentId);
    if (!comment) throw new NotFoundError('The comment');
    // Admins moderate whatever exists; everyone else only what they may see, which comes before
    // whether they may remove it: a comment hidden from them is not confirmed to exist.
    const broadcast = await loaders.load(this.broadcasts.byId, comment.broadcastId);
    const visible =
      broadcast &&
      (viewer.role === Role.ADMIN ||
        (await this.broadcasts.isCommentVisible(loaders, comment, viewer.id)));
    if (!visible) throw new NotFoundError('The comment');
    if (!canModerate(viewer, broadcast.broadcasterId) && viewer.id !== comment.authorId) {
      throw new ForbiddenError(
        'Only the broadcaster, an admin or its author can remove a comment.',
      );
    }
    await runInTransaction(this.db, async (manager) => {
      const gone = await this.comments.delete(commentId, manager);
      if (!gone) throw new NotFoundError('The comment');
      const counted = await this.comments.uncount(comment.broadcastId, manager);
      afterCommit(manager, () =>
        this.publisher.publish(BroadcastEventKind.COMMENT_REMOVED, counted, { comment: gone }),
      );
    });
  }

  /**
   * The broadcaster or an admin bans a viewer from the broadcast: it stops existing for them, so
   * they can no longer join, comment or watch; their presence and subscriptions end now.
   * Idempotent.
   */
  async ban(
    viewer: Viewer,
    broadcastId: string,
    userId: string,
    loaders: RequestLoaders,
  ): Promise<void> {
    const broadcast = await this.broadcasts.getModerated(
      loaders,
      viewer,
      broadcastId,
      'ban viewers',
    );
    if (userId === viewer.id) throw InvalidInputError.field('userId', 'you cannot ban yourself');
    if (userId === broadcast.broadcasterId) {
      throw InvalidInputError.field('userId', 'the broadcaster cannot be banned');
    }
    await this.accounts.getActive(userId);
    if (viewer.role !== Role.ADMIN) {
      await this.policy.assertVisible(loaders, userId, viewer.id, 'The user');
    }
    await runInTransaction(this.db, async (manager) => {
      await this.bans.ban(broadcastId, userId, manager);
      await this.presence.revoke(manager, broadcastId, userId);
    });
  }

  /** OFF: only the broadcaster speaks. FOLLOWERS: the broadcaster and their followers. */
  private async assertMayComment(
    loaders: RequestLoaders,
    viewer: Viewer,
    broadcast: BroadcastEntity,
  ): Promise<void> {
    if (viewer.id === broadcast.broadcasterId || broadcast.chatMode === ChatMode.EVERYONE) return;
    if (broadcast.chatMode === ChatMode.OFF) {
      throw new ForbiddenError('Comments are off for this broadcast.');
    }
    if (!(await loaders.load(this.follows.viewerFollows, broadcast.broadcasterId))) {
      throw new ForbiddenError("Only the broadcaster's followers may comment on this broadcast.");
    }
  }
}
