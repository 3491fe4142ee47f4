import {
  Args,
  Context,
  ID,
  Mutation,
  Parent,
  Query,
  ResolveField,
  Resolver,
} from '@nestjs/graphql';
import { AccountsService, UserModel } from '@app/accounts';
import { BroadcastModel, BroadcastsService } from '@app/broadcasts';
import {
  Authenticated,
  ConnectionArgs,
  CurrentViewer,
  GlobalIdPipe,
  mapConnection,
  mapRead,
  parseOptionalGlobalId,
  Read,
  readAll,
  RequestContext,
  Viewer,
  ViewerIndependent,
} from '@app/common';
import { RelationshipPolicy } from '@app/graph';
import { CreatePostInput } from './dto/create-post.input';
import { PostConnection, PostModel } from './models/post.model';
import { PostsService } from './posts.service';

const postId = () => new GlobalIdPipe('Post');

@Resolver(() => PostModel)
export class PostsResolver {
  constructor(
    private readonly posts: PostsService,
    private readonly accounts: AccountsService,
    private readonly policy: RelationshipPolicy,
    private readonly broadcasts: BroadcastsService,
  ) {}

  @Query(() => PostModel, {
    description: 'The post with this id; null when it does not exist or is hidden from the viewer.',
    nullable: true,
  })
  async post(
    @Args(
      'id',
      {
        description: "Global id of the post; another type's id is BAD_USER_INPUT.",
        type: () => ID,
      },
      postId(),
    )
    id: string,
    @Context() context: RequestContext,
  ): Promise<PostModel> {
    return PostModel.from(await this.posts.getVisible(context.loaders, id, context.viewer?.id));
  }

  @Mutation(() => PostModel, {
    description:
      'Posts as the signed-in account and returns the post. Bad text is BAD_USER_INPUT naming input.text; a reply to or a share of what you cannot see is NOT_FOUND; UNAUTHENTICATED when signed out; RATE_LIMITED when posting too fast.',
  })
  @Authenticated()
  async createPost(
    @Args('input', { description: 'The post.' }) input: CreatePostInput,
    @CurrentViewer() viewer: Viewer,
    @Context() context: RequestContext,
  ): Promise<PostModel> {
    const replyToId = parseOptionalGlobalId(input.replyToId, 'Post', 'replyToId');
    const broadcastId = parseOptionalGlobalId(input.broadcastId, 'Broadcast', 'broadcastId');
    const post = await this.posts.create(
      viewer,
      { text: input.text, replyToId, broadcastId },
      context.loaders,
    );
    return PostModel.from(post);
  }

  @Mutation(() => Boolean, {
    description:
      "The author or an admin deletes the post (and its replies' link to it); true when done. NOT_FOUND when it does not exist or is hidden; FORBIDDEN for anyone else.",
  })
  @Authenticated()
  async deletePost(
    @Args('id', { description: 'Global id of the post.', type: () => ID }, postId()) id: string,
    @CurrentViewer() viewer: Viewer,
    @Context() context: RequestContext,
  ): Promise<boolean> {
    await this.posts.delete(viewer, id, context.loaders);
    return true;
  }

  @Mutation(() => PostModel, {
    description:
      'Likes the post (idempotent) and returns it. NOT_FOUND when it does not exist or is hidden from you.',
  })
  @Authenticated()
  async likePost(
    @Args('id', { description: 'Global id of the post.', type: () => ID }, postId()) id: string,
    @CurrentViewer() viewer: Viewer,
    @Context() context: RequestContext,
  ): Promise<PostModel> {
    await this.posts.like(viewer, id, context.loaders);
    return this.reload(id, context);
  }

  @Mutation(() => PostModel, {
    description:
      'Takes back a like (idempotent) and returns the post. NOT_FOUND when it does not exist or is hidden from you.',
  })
  @Authenticated()
  async unlikePost(
    @Args('id', { description: 'Global id of the post.', type: () => ID }, postId()) id: string,
    @CurrentViewer() viewer: Viewer,
    @Context() context: RequestContext,
  ): Promise<PostModel> {
    await this.posts.unlike(viewer, id, context.loaders);
    return this.reload(id, context);
  }

  @ResolveField(() => UserModel, { description: 'Who posted it.' })
  @ViewerIndependent()
  author(post: PostModel, _args: unknown, context: RequestContext): Read<UserModel> {
    // Posts of suspended authors are filtered before they get here; a race lands as null data.
    return mapRead(context.loaders.read(this.accounts.byId, post.authorId), (author) =>
      UserModel.from(author!),
    );
  }

  @ResolveField(() => PostModel, {
    description:
      'The post this replies to; null for a post that is no reply, or when that post is deleted or hidden from the viewer.',
    nullable: true,
  })
  async replyTo(
    post: PostModel,
    _args: unknown,
    context: RequestContext,
  ): Promise<PostModel | null> {
    if (!post.replyToId) return null;
    const parent = await this.posts.findVisible(
      context.loaders,
      post.replyToId,
      context.viewer?.id,
    );
    return parent ? PostModel.from(parent) : null;
  }

  @ResolveField(() => BroadcastModel, {
    nullable: true,
    description: 'A broadcast this post shares (posted when its author goes live, or by hand).',
  })
  async broadcast(
    post: PostModel,
    _args: unknown,
    context: RequestContext,
  ): Promise<BroadcastModel | null> {
    if (!post.broadcastId) return null;
    const broadcast = await this.broadcasts.findVisible(
      context.loaders,
      post.broadcastId,
      context.viewer?.id,
    );
    return broadcast ? BroadcastModel.from(broadcast) : null;
  }

  @ResolveField(() => [UserModel], {
    description:
      'Accounts @mentioned in the text that exist and are visible to the viewer, each once.',
  })
  async mentions(post: PostModel, _args: unknown, context: RequestContext): Promise<UserModel[]> {
    const ids = await context.loaders.load(this.posts.mentionedUserIds, post.rowId);
    const [users, hidden] = await Promise.all([
      context.loaders.loadMany(this.accounts.byId, ids),
      // Accounts that block the viewer are invisible to them, here as everywhere.
      readAll(ids.map((id) => this.policy.isHiddenFrom(context.loaders, id, context.viewer?.id))),
    ]);
    return users.flatMap((user, i) => (user && !hidden[i] ? [UserModel.from(user)] : []));
  }

  @ResolveField(() => Boolean, {
    description: 'True when the signed-in viewer likes this post; false when signed out.',
  })
  viewerHasLiked(post: PostModel, _args: unknown, context: RequestContext): Read<boolean> {
    return context.loaders.read(this.posts.viewerHasLiked, post.rowId);
  }

  @ResolveField(() => PostConnection, {
    description: 'Replies to this post, oldest first; those hidden from the viewer are left out.',
  })
  async replies(
    @Parent() post: PostModel,
    @Args() args: ConnectionArgs,
    @Context() context: RequestContext,
  ): Promise<PostConnection> {
    const replies = await this.posts.replies(post.rowId, context.viewer?.id, args);
    return mapConnection(replies, (reply) => PostModel.from(reply));
  }

  private async reload(id: string, context: RequestContext): Promise<PostModel> {
    context.loaders.clear(this.posts.byId, id);
    context.loaders.clear(this.posts.viewerHasLiked, id);
    return PostModel.from(await this.posts.getVisible(context.loaders, id, context.viewer?.id));
  }
}
