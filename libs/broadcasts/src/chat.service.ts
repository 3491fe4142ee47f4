import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccountsService } from '@app/accounts';
import {
  afterCommit,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  RateLimits,
  RequestLoaders,
  Role,
  runInTransaction,
  Viewer,
} from '@app/common';
import { returningRows } from '@app/database';
import { FollowService, RelationshipPolicy } from '@app/graph';
import { BroadcastPublisher } from './broadcast-publisher';
import {
  BroadcastRecord,
  broadcastColumns,
  CommentRecord,
  COMMENT_COLUMNS,
  toBroadcastEntity,
  toCommentEntity,
} from './broadcast-records';
import { offsetFromStartSql, parseCommentText, requireLive } from './broadcast-rules';
import { BroadcastEventKind } from './broadcast-topics';
import { BroadcastsService } from './broadcasts.service';
import { BroadcastEntity, ChatMode } from './entities/broadcast.entity';
import { BroadcastCommentEntity } from './entities/broadcast-comment.entity';
import { PresenceService } from './presence.service';

/** The live chat: comments, their removal, and bans. */
@Injectable()
export class ChatService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
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
      const [counted] = await returningRows<BroadcastRecord>(
        manager,
        `UPDATE broadcasts b SET comments_count = b.comments_count + 1
         WHERE b.id = $1 AND b.status = 'LIVE'
           AND NOT EXISTS (SELECT 1 FROM broadcast_bans x WHERE x.broadcast_id = b.id AND x.user_id = $2)
         RETURNING ${broadcastColumns()}`,
        [broadcastId, viewer.id],
      );
      if (!counted) throw new NotFoundError('The live broadcast');
      const [row] = await manager.query<CommentRecord[]>(
        `INSERT INTO broadcast_comments AS c (broadcast_id, author_id, text, offset_ms)
         VALUES ($1, $2, $3, ${offsetFromStartSql('$4::timestamptz')})
         RETURNING ${COMMENT_COLUMNS}`,
        [broadcastId, viewer.id, text, counted.started_at],
      );
      const comment = toCommentEntity(row);
      const broadcast = toBroadcastEntity(counted);
      afterCommit(manager, () =>
        this.publisher.publish(BroadcastEventKind.COMMENT, broadcast, { comment }),
      );
      return comment;
    });
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
    const allowed =
      viewer.role === Role.ADMIN ||
      viewer.id === broadcast.broadcasterId ||
      viewer.id === comment.authorId;
    if (!allowed) {
      throw new ForbiddenError(
        'Only the broadcaster, an admin or its author can remove a comment.',
      );
    }
    await runInTransaction(this.db, async (manager) => {
      const deleted = await returningRows<CommentRecord>(
        manager,
        `DELETE FROM broadcast_comments c WHERE c.id = $1 RETURNING ${COMMENT_COLUMNS}`,
        [commentId],
      );
      if (deleted.length === 0) throw new NotFoundError('The comment');
      const [counted] = await returningRows<BroadcastRecord>(
        manager,
        `UPDATE broadcasts b SET comments_count = b.comments_count - 1 WHERE b.id = $1
         RETURNING ${broadcastColumns()}`,
        [comment.broadcastId],
      );
      const broadcast = toBroadcastEntity(counted);
      const gone = toCommentEntity(deleted[0]);
      afterCommit(manager, () =>
        this.publisher.publish(BroadcastEventKind.COMMENT_REMOVED, broadcast, { comment: gone }),
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
      await manager.query(
        `INSERT INTO broadcast_bans (broadcast_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
        [broadcastId, userId],
      );
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
