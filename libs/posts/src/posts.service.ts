import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AccountsService } from '@app/accounts';
import { BroadcastsRepository, BroadcastsService } from '@app/broadcasts';
import {
  byKeys,
  canModerate,
  ConnectionArgs,
  ConnectionShape,
  defineLoader,
  definePairLoader,
  ForbiddenError,
  mapRead,
  NotFoundError,
  RateLimits,
  Read,
  readAll,
  RequestLoaders,
  Role,
  runInTransaction,
  Viewer,
  defineRowLoader,
} from '@app/common';
import { RelationshipPolicy } from '@app/graph';
import { PostEntity } from './entities/post.entity';
import { PostLikesRepository } from './post-likes.repository';
import { PostMentionsRepository } from './post-mentions.repository';
import { hashtagKey, parsePostText } from './post-text';
import { PostEvents } from './posts.events';
import { PostsRepository } from './posts.repository';

export interface NewPost {
  text: string;
  replyToId?: string;
  /** A broadcast the post shares; the author must be able to see it. */
  broadcastId?: string;
}

/** Posts: writing, deleting, liking, and reading them as a given viewer may see them. */
@Injectable()
export class PostsService {
  /** Posts by id, whoever wrote them; callers apply `isVisible` (or use `findVisible`). */
  readonly byId = defineRowLoader<PostEntity>(
    'postsById',
    (ids) => this.postsTable.findByIds(ids),
    (row) => row.id,
  );

  readonly viewerHasLiked = definePairLoader<boolean>(
    'viewerHasLiked',
    async (viewerIds, postIds) =>
      (await this.likes.likedAmong(viewerIds, postIds)).map((like) => ({
        viewerId: like.userId,
        key: like.postId,
        value: true,
      })),
    false,
  );

  readonly mentionedUserIds = defineLoader<string, string[]>(
    'postMentions',
    async (postIds) =>
      byKeys(
        postIds,
        await this.mentions.ofPosts(postIds),
        (row) => row.postId,
        (row) => row.userIds,
        [],
      ),
    { viewerIndependent: true },
  );

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly postsTable: PostsRepository,
    private readonly likes: PostLikesRepository,
    private readonly mentions: PostMentionsRepository,
    private readonly broadcastsTable: BroadcastsRepository,
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
      if (parent && !(await this.postsTable.lockForKeyShare(parent.id, manager))) {
        throw new NotFoundError('The post replied to');
      }
      // Locked like the parent: the shared broadcast cannot vanish before the post commits.
      if (broadcast && !(await this.broadcastsTable.lockForReference(broadcast.id, manager))) {
        throw new NotFoundError('The broadcast');
      }
      const { post, mentionedUserIds } = await this.postsTable.insert(
        {
          authorId: viewer.id,
          text: parsed.text,
          replyToId: parent?.id ?? null,
          broadcastId: broadcast?.id ?? null,
          hashtags: parsed.hashtags,
        },
        parsed.hashtags.map(hashtagKey),
        parsed.mentions,
        manager,
      );
      if (parent) await this.postsTable.addRepliesCount(parent.id, 1, manager);
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
    if (!canModerate(viewer, post.authorId)) {
      throw new ForbiddenError('Only the author or an admin can delete a post.');
    }
    await runInTransaction(this.db, async (manager) => {
      const gone = await this.postsTable.delete(post.id, manager);
      if (!gone) throw new NotFoundError('The post');
      if (gone.replyToId) await this.postsTable.addRepliesCount(gone.replyToId, -1, manager);
      await this.events.emit(manager, 'deleted', { post: gone });
    });
  }

  /** Idempotent; the count moves only when the like row is new, so it stays exact under races. */
  async like(viewer: Viewer, postId: string, loaders: RequestLoaders): Promise<void> {
    const post = await this.getVisible(loaders, postId, viewer.id, 'The post');
    await runInTransaction(this.db, async (manager) => {
      if (!(await this.likes.insert(post.id, viewer.id, manager))) return;
      await this.postsTable.addLikesCount(post.id, 1, manager);
      await this.events.emit(manager, 'liked', { post, userId: viewer.id });
    });
  }

  /** Idempotent: unliking what you never liked changes nothing. */
  async unlike(viewer: Viewer, postId: string, loaders: RequestLoaders): Promise<void> {
    const post = await this.getVisible(loaders, postId, viewer.id, 'The post');
    await runInTransaction(this.db, async (manager) => {
      if (await this.likes.delete(post.id, viewer.id, manager)) {
        await this.postsTable.addLikesCount(post.id, -1, manager);
      }
    });
  }

  /**
   * Before an account is deleted (its posts and likes then go by cascade): takes its likes and
   * replies off the counts of the other accounts' posts.
   */
  async forgetAccount(manager: EntityManager, userId: string): Promise<void> {
    await this.likes.deleteAllBy(userId, manager);
    await this.postsTable.uncountRepliesBy(userId, manager);
  }

  /**
   * Whether the viewer may see the post: its author is active and does not block them. At once
   * when the facts are in hand (a page read with its rows), so a page's items take no promise each.
   */
  isVisible(
    loaders: RequestLoaders,
    post: PostEntity,
    viewerId: string | undefined,
  ): Read<boolean> {
    return mapRead(
      readAll([
        loaders.read(this.accounts.byId, post.authorId),
        this.policy.isHiddenFrom(loaders, post.authorId, viewerId),
      ]),
      ([author, hidden]) => author !== undefined && !hidden,
    );
  }

  /** The post as the viewer may see it; undefined when it does not exist or is hidden. */
  findVisible(
    loaders: RequestLoaders,
    postId: string,
    viewerId: string | undefined,
  ): Read<PostEntity | undefined> {
    return mapRead(loaders.read(this.byId, postId), (post) =>
      post === undefined
        ? undefined
        : mapRead(this.isVisible(loaders, post, viewerId), (visible) =>
            visible ? post : undefined,
          ),
    );
  }

  /** The post as the viewer may see it, or NOT_FOUND. */
  async getVisible(
    loaders: RequestLoaders,
    postId: string,
    viewerId: string | undefined,
    what = 'The post',
  ): Promise<PostEntity> {
    const post = await this.findVisible(loaders, postId, viewerId);
    if (!post) throw new NotFoundError(what);
    return post;
  }

  /** Replies to a post, oldest first (a thread reads top-down), without hidden authors. */
  replies(
    postId: string,
    viewerId: string | undefined,
    args: ConnectionArgs,
  ): Promise<ConnectionShape<PostEntity>> {
    return this.postsTable.replies(postId, viewerId, args);
  }
}
