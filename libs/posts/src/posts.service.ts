import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AccountsService } from '@app/accounts';
import { BroadcastsService } from '@app/broadcasts';
import {
  byKeys,
  ConnectionArgs,
  defineLoader,
  encodeCursor,
  ForbiddenError,
  keysetCondition,
  NotFoundError,
  pageSize,
  RateLimits,
  RequestLoaders,
  Role,
  runInTransaction,
  Viewer,
} from '@app/common';
import { returningRows } from '@app/database';
import { RelationshipPolicy, visibleToViewerSql } from '@app/graph';
import { PostEntity } from './entities/post.entity';
import { hashtagKey, parsePostText } from './post-text';
import { PostEvents } from './posts.events';

export interface NewPost {
  text: string;
  replyToId?: string;
  /** A broadcast the post shares; the author must be able to see it. */
  broadcastId?: string;
}

export interface PostRow {
  post: PostEntity;
  cursor: string;
}

interface PostRecord {
  id: string;
  author_id: string;
  text: string;
  reply_to_id: string | null;
  broadcast_id: string | null;
  hashtags: string[];
  likes_count: number;
  replies_count: number;
  created_at: Date;
}

const POST_COLUMNS =
  'p.id, p.author_id, p.text, p.reply_to_id, p.broadcast_id, p.hashtags, p.likes_count, p.replies_count, p.created_at';

export function toPostEntity(row: PostRecord): PostEntity {
  return Object.assign(new PostEntity(), {
    id: row.id,
    authorId: row.author_id,
    text: row.text,
    replyToId: row.reply_to_id,
    broadcastId: row.broadcast_id,
    hashtags: row.hashtags,
    likesCount: row.likes_count,
    repliesCount: row.replies_count,
    createdAt: row.created_at,
  });
}

/** Posts: writing, deleting, liking, and reading them as a given viewer may see them. */
@Injectable()
export class PostsService {
  /** Posts by id, whoever wrote them; callers apply `isVisible`. */
  readonly byId = defineLoader<string, PostEntity | undefined>(
    'postsById',
    async (ids) => {
      const rows = await this.db.query<PostRecord[]>(
        `SELECT ${POST_COLUMNS} FROM posts p WHERE p.id = ANY($1::bigint[])`,
        [ids],
      );
      return byKeys(ids, rows, (r) => r.id, toPostEntity, undefined);
    },
    { viewerIndependent: true },
  );

  readonly viewerHasLiked = defineLoader<string, boolean>(
    'viewerHasLiked',
    async (postIds, viewerId) => {
      if (!viewerId) return postIds.map(() => false);
      const rows = await this.db.query<{ post_id: string }[]>(
        'SELECT post_id FROM post_likes WHERE user_id = $1 AND post_id = ANY($2::bigint[])',
        [viewerId, postIds],
      );
      const liked = new Set(rows.map((row) => row.post_id));
      return postIds.map((id) => liked.has(id));
    },
  );

  readonly mentionedUserIds = defineLoader<string, string[]>(
    'postMentions',
    async (postIds) => {
      const rows = await this.db.query<{ post_id: string; user_ids: string[] }[]>(
        `SELECT post_id, array_agg(user_id ORDER BY user_id) AS user_ids FROM post_mentions
       WHERE post_id = ANY($1::bigint[]) GROUP BY post_id`,
        [postIds],
      );
      return byKeys(
        postIds,
        rows,
        (r) => r.post_id,
        (r) => r.user_ids,
        [],
      );
    },
    { viewerIndependent: true },
  );

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly accounts: AccountsService,
    private readonly policy: RelationshipPolicy,
    private readonly events: PostEvents,
    private readonly broadcasts: BroadcastsService,
    private readonly limits: RateLimits,
  ) {}

  async create(viewer: Viewer, input: NewPost, loaders: RequestLoaders): Promise<PostEntity> {
    const parsed = parsePostText(input.text);
    await this.limits.consume(
      'posts',
      viewer.id,
      'You are posting too fast. Wait a few minutes and try again.',
    );
    const parent = input.replyToId
      ? await this.getVisible(loaders, input.replyToId, viewer.id, 'The post replied to')
      : undefined;
    const broadcast = input.broadcastId
      ? await this.broadcasts.getVisible(loaders, input.broadcastId, viewer.id)
      : undefined;
    return runInTransaction(this.db, async (manager) => {
      if (parent && !(await this.lockPost(manager, parent.id))) {
        throw new NotFoundError('The post replied to');
      }
      // Locked like the parent: the shared broadcast cannot vanish before the post commits.
      const shared = broadcast
        ? await manager.query<unknown[]>('SELECT 1 FROM broadcasts WHERE id = $1 FOR KEY SHARE', [
            broadcast.id,
          ])
        : [];
      if (broadcast && shared.length === 0) throw new NotFoundError('The broadcast');
      const [row] = await manager.query<PostRecord[]>(
        `INSERT INTO posts AS p (author_id, text, reply_to_id, broadcast_id, hashtags)
         VALUES ($1, $2, $3, $4, $5)
         RETURNING ${POST_COLUMNS}`,
        [viewer.id, parsed.text, parent?.id ?? null, broadcast?.id ?? null, parsed.hashtags],
      );
      const post = toPostEntity(row);
      if (parsed.hashtags.length > 0) {
        await manager.query(
          `INSERT INTO post_hashtags (post_id, tag, created_at)
           SELECT $1, tag, $2 FROM unnest($3::text[]) AS tag ON CONFLICT DO NOTHING`,
          [post.id, post.createdAt, parsed.hashtags.map(hashtagKey)],
        );
      }
      const mentionedUserIds = await this.storeMentions(manager, post, parsed.mentions);
      await manager.query('UPDATE users SET posts_count = posts_count + 1 WHERE id = $1', [
        viewer.id,
      ]);
      if (parent) {
        await manager.query('UPDATE posts SET replies_count = replies_count + 1 WHERE id = $1', [
          parent.id,
        ]);
      }
      await this.events.emit(manager, 'created', {
        post,
        replyToAuthorId: parent?.authorId ?? null,
        mentionedUserIds,
      });
      return post;
    });
  }

  /** Only the author or an admin; the post leaves every timeline in the same transaction. */
  async delete(viewer: Viewer, postId: string, loaders: RequestLoaders): Promise<void> {
    // Admins moderate whatever exists: an author cannot put a post out of their reach by blocking
    // them (or by being suspended). Everyone else acts only on posts they may see.
    const post =
      viewer.role === Role.ADMIN
        ? await loaders.load(this.byId, postId)
        : await this.getVisible(loaders, postId, viewer.id, 'The post');
    if (!post) throw new NotFoundError('The post');
    if (post.authorId !== viewer.id && viewer.role !== Role.ADMIN) {
      throw new ForbiddenError('Only the author or an admin can delete a post.');
    }
    await runInTransaction(this.db, async (manager) => {
      const deleted = await returningRows<PostRecord>(
        manager,
        `DELETE FROM posts p WHERE p.id = $1 RETURNING ${POST_COLUMNS}`,
        [post.id],
      );
      if (deleted.length === 0) throw new NotFoundError('The post');
      const gone = toPostEntity(deleted[0]);
      await manager.query('UPDATE users SET posts_count = posts_count - 1 WHERE id = $1', [
        gone.authorId,
      ]);
      if (gone.replyToId) {
        await manager.query('UPDATE posts SET replies_count = replies_count - 1 WHERE id = $1', [
          gone.replyToId,
        ]);
      }
      await this.events.emit(manager, 'deleted', { post: gone });
    });
  }

  /** Idempotent; the count moves only when the like row is new, so it stays exact under races. */
  async like(viewer: Viewer, postId: string, loaders: RequestLoaders): Promise<void> {
    const post = await this.getVisible(loaders, postId, viewer.id, 'The post');
    await runInTransaction(this.db, async (manager) => {
      const inserted = await manager.query<unknown[]>(
        `INSERT INTO post_likes (post_id, user_id) SELECT id, $2 FROM posts WHERE id = $1
         ON CONFLICT DO NOTHING RETURNING 1`,
        [post.id, viewer.id],
      );
      if (inserted.length === 0) return;
      await manager.query('UPDATE posts SET likes_count = likes_count + 1 WHERE id = $1', [
        post.id,
      ]);
      await this.events.emit(manager, 'liked', { post, userId: viewer.id });
    });
  }

  /** Idempotent: unliking what you never liked changes nothing. */
  async unlike(viewer: Viewer, postId: string, loaders: RequestLoaders): Promise<void> {
    const post = await this.getVisible(loaders, postId, viewer.id, 'The post');
    await runInTransaction(this.db, async (manager) => {
      const deleted = await returningRows(
        manager,
        'DELETE FROM post_likes WHERE post_id = $1 AND user_id = $2 RETURNING 1',
        [post.id, viewer.id],
      );
      if (deleted.length > 0) {
        await manager.query('UPDATE posts SET likes_count = likes_count - 1 WHERE id = $1', [
          post.id,
        ]);
      }
    });
  }

  /**
   * Before an account is deleted (its posts and likes then go by cascade): takes its likes and
   * replies off the counts of the other accounts' posts.
   */
  async forgetAccount(manager: EntityManager, userId: string): Promise<void> {
    // Deleting the likes here, rather than by cascade, counts only rows that really went.
    await manager.query(
      `WITH gone AS (DELETE FROM post_likes WHERE user_id = $1 RETURNING post_id)
       UPDATE posts p SET likes_count = p.likes_count - 1
       FROM gone WHERE p.id = gone.post_id AND p.author_id <> $1`,
      [userId],
    );
    await manager.query(
      `UPDATE posts p SET replies_count = p.replies_count - r.replies
       FROM (SELECT reply_to_id, count(*)::int AS replies FROM posts
             WHERE author_id = $1 AND reply_to_id IS NOT NULL GROUP BY reply_to_id) r
       WHERE p.id = r.reply_to_id AND p.author_id <> $1`,
      [userId],
    );
  }

  /** Whether the viewer may see the post: its author is active and does not block them. */
  async isVisible(
    loaders: RequestLoaders,
    post: PostEntity,
    viewerId: string | undefined,
  ): Promise<boolean> {
    const [author, hidden] = await Promise.all([
      loaders.load(this.accounts.byId, post.authorId),
      this.policy.isHiddenFrom(loaders, post.authorId, viewerId),
    ]);
    return author !== undefined && !hidden;
  }

  /** The post as the viewer may see it, or NOT_FOUND. */
  async getVisible(
    loaders: RequestLoaders,
    postId: string,
    viewerId: string | undefined,
    what = 'The post',
  ): Promise<PostEntity> {
    const post = await loaders.load(this.byId, postId);
    if (!post || !(await this.isVisible(loaders, post, viewerId))) throw new NotFoundError(what);
    return post;
  }

  /** Replies to a post, oldest first (a thread reads top-down), without hidden authors. */
  async replies(
    postId: string,
    viewerId: string | undefined,
    args: ConnectionArgs,
  ): Promise<PostRow[]> {
    const params: unknown[] = [postId, pageSize(args) + 1, viewerId ?? null];
    const after = keysetCondition(
      args.after,
      [
        { sql: 'p.created_at', part: 'timestamp' },
        { sql: 'p.id', part: 'int' },
      ],
      'ASC',
      params,
    );
    const rows = await this.db.query<PostRecord[]>(
      `SELECT ${POST_COLUMNS} FROM posts p
       WHERE p.reply_to_id = $1 ${after && `AND ${after}`}
         AND ${visibleToViewerSql('p.author_id', '$3')}
       ORDER BY p.created_at, p.id
       LIMIT $2`,
      params,
    );
    return rows.map((row) => ({
      post: toPostEntity(row),
      cursor: encodeCursor([row.created_at.toISOString(), row.id]),
    }));
  }

  /** Stores mentions of existing accounts, except those that block the author. */
  private async storeMentions(
    manager: EntityManager,
    post: PostEntity,
    handles: string[],
  ): Promise<string[]> {
    if (handles.length === 0) return [];
    const rows = await manager.query<{ user_id: string }[]>(
      `INSERT INTO post_mentions (post_id, user_id)
       SELECT $1, u.id FROM users u
       WHERE lower(u.handle) = ANY($2::text[]) AND u.suspended_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.blocker_id = u.id AND b.blocked_id = $3)
       ON CONFLICT DO NOTHING
       RETURNING user_id`,
      [post.id, handles, post.authorId],
    );
    return rows.map((row) => row.user_id);
  }

  /**
   * Keeps the parent from being deleted until the reply commits. FOR KEY SHARE blocks a DELETE but
   * not the replies_count UPDATE (FOR NO KEY UPDATE): with FOR SHARE, two concurrent replies each
   * held a share lock the other's UPDATE had to wait for, and deadlocked.
   */
  private async lockPost(manager: EntityManager, postId: string): Promise<boolean> {
    const rows = await manager.query<unknown[]>('SELECT 1 FROM posts WHERE id = $1 FOR KEY SHARE', [
      postId,
    ]);
    return rows.length > 0;
  }
}
