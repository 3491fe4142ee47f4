import {
  Args,
  Context,
  ID,
  Int,
  Mutation,
  Parent,
  Query,
  ResolveField,
  Resolver,
} from '@nestjs/graphql';
import { AccountsService, UserModel } from '@app/accounts';
import {
  Authenticated,
  ConnectionArgs,
  CurrentViewer,
  GlobalIdPipe,
  InvalidInputError,
  NotFoundError,
  pageSize,
  RequestContext,
  toConnection,
  Viewer,
} from '@app/common';
import { BlockService } from './block.service';
import { FollowListRow, FollowService } from './follow.service';
import { UserConnection } from './models/user-connection.model';
import { RelationshipPolicy, visibleToViewerSql, withheldProfile } from './relationship.policy';

const userId = () => new GlobalIdPipe('User');
/** What a handle can be (PRODUCT.md, Accounts). */
const HANDLE = /^[A-Za-z0-9_]{3,30}$/;

@Resolver(() => UserModel)
export class GraphResolver {
  constructor(
    private readonly accounts: AccountsService,
    private readonly follows: FollowService,
    private readonly blocks: BlockService,
    private readonly policy: RelationshipPolicy,
  ) {}

  @Query(() => UserModel, { nullable: true })
  async user(
    @Args('handle') handle: string,
    @Context() context: RequestContext,
  ): Promise<UserModel> {
    // Only something shaped like a handle is looked up or echoed back in the error message.
    const valid = HANDLE.test(handle);
    const what = valid ? `The user @${handle}` : 'The user';
    const user = valid ? await this.accounts.findByHandle(handle) : undefined;
    if (!user) throw new NotFoundError(what);
    await this.policy.assertVisible(context.loaders, user.id, context.viewer?.id, what);
    context.loaders.prime(this.accounts.byId, user.id, user);
    return UserModel.from(user);
  }

  @Query(() => [UserModel], {
    description: 'Accounts whose handle or display name starts with the query.',
  })
  async searchUsers(
    @Args('query') query: string,
    @Args('first', { type: () => Int, nullable: true }) first: number | undefined,
    @Context() context: RequestContext,
  ): Promise<UserModel[]> {
    const limit = first ?? 20;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      throw InvalidInputError.field('first', 'must be from 1 to 100');
    }
    if (query.length > 100)
      throw InvalidInputError.field('query', 'must be at most 100 characters');
    // Accounts that block the viewer are left out, as from every list.
    const users = await this.accounts.search(query, limit, {
      condition: visibleToViewerSql('u.id', ':viewerId'),
      parameters: { viewerId: context.viewer?.id ?? null },
    });
    return users.map((user) => UserModel.from(user));
  }

  @Mutation(() => UserModel, {
    description: 'notify (default true): also get a WENT_LIVE notification when they go live.',
  })
  @Authenticated()
  async follow(
    @Args('userId', { type: () => ID }, userId()) id: string,
    @Args('notify', { nullable: true, type: () => Boolean }) notify: boolean | undefined,
    @CurrentViewer() viewer: Viewer,
  ): Promise<UserModel> {
    await this.follows.follow(viewer, id, notify ?? undefined);
    return this.fresh(id);
  }

  @Mutation(() => UserModel)
  @Authenticated()
  async unfollow(
    @Args('userId', { type: () => ID }, userId()) id: string,
    @CurrentViewer() viewer: Viewer,
    @Context() context: RequestContext,
  ): Promise<UserModel> {
    await this.policy.assertVisible(context.loaders, id, viewer.id, 'The user');
    await this.follows.unfollow(viewer, id);
    return this.fresh(id);
  }

  // Blocking back and lifting one's own block stay possible, whoever blocks whom.
  @Mutation(() => UserModel)
  @Authenticated()
  async block(
    @Args('userId', { type: () => ID }, userId()) id: string,
    @CurrentViewer() viewer: Viewer,
    @Context() context: RequestContext,
  ): Promise<UserModel> {
    await this.blocks.block(viewer, id);
    return this.freshFor(id, viewer, context);
  }

  @Mutation(() => UserModel)
  @Authenticated()
  async unblock(
    @Args('userId', { type: () => ID }, userId()) id: string,
    @CurrentViewer() viewer: Viewer,
    @Context() context: RequestContext,
  ): Promise<UserModel> {
    // With no block of one's own to lift, it would only read the profile of who blocks the viewer.
    if (
      (await this.policy.isHiddenFrom(context.loaders, id, viewer.id)) &&
      !(await context.loaders.load(this.blocks.viewerBlocks, id))
    ) {
      throw new NotFoundError('The user');
    }
    await this.blocks.unblock(viewer, id);
    context.loaders.clear(this.blocks.viewerBlocks, id);
    return this.freshFor(id, viewer, context);
  }

  @Mutation(() => UserModel)
  @Authenticated()
  async mute(
    @Args('userId', { type: () => ID }, userId()) id: string,
    @CurrentViewer() viewer: Viewer,
    @Context() context: RequestContext,
  ): Promise<UserModel> {
    await this.policy.assertVisible(context.loaders, id, viewer.id, 'The user');
    await this.blocks.mute(viewer, id);
    return this.fresh(id);
  }

  @Mutation(() => UserModel)
  @Authenticated()
  async unmute(
    @Args('userId', { type: () => ID }, userId()) id: string,
    @CurrentViewer() viewer: Viewer,
    @Context() context: RequestContext,
  ): Promise<UserModel> {
    await this.policy.assertVisible(context.loaders, id, viewer.id, 'The user');
    await this.blocks.unmute(viewer, id);
    return this.fresh(id);
  }

  @ResolveField(() => Boolean, { description: 'True when the signed-in viewer follows this user.' })
  async viewerFollows(
    @Parent() user: UserModel,
    @Context() context: RequestContext,
  ): Promise<boolean> {
    return (await context.loaders.load(this.follows.viewerFollows, user.rowId)) !== undefined;
  }

  @ResolveField(() => Boolean, {
    description:
      'True when the viewer follows this user and asked to be notified when they go live.',
  })
  async viewerNotifiedWhenLive(
    @Parent() user: UserModel,
    @Context() context: RequestContext,
  ): Promise<boolean> {
    return (await context.loaders.load(this.follows.viewerFollows, user.rowId))?.notify ?? false;
  }

  @ResolveField(() => Boolean, { description: 'True when this user follows the signed-in viewer.' })
  followsViewer(@Parent() user: UserModel, @Context() context: RequestContext): Promise<boolean> {
    return context.loaders.load(this.follows.followsViewer, user.rowId);
  }

  @ResolveField(() => Boolean)
  viewerBlocks(@Parent() user: UserModel, @Context() context: RequestContext): Promise<boolean> {
    return context.loaders.load(this.blocks.viewerBlocks, user.rowId);
  }

  @ResolveField(() => Boolean)
  viewerMutes(@Parent() user: UserModel, @Context() context: RequestContext): Promise<boolean> {
    return context.loaders.load(this.blocks.viewerMutes, user.rowId);
  }

  @ResolveField(() => UserConnection)
  async followers(
    @Parent() user: UserModel,
    @Args() args: ConnectionArgs,
    @Context() context: RequestContext,
  ): Promise<UserConnection> {
    return this.connection(
      await this.follows.followers(user.rowId, args, context.viewer?.id),
      args,
    );
  }

  @ResolveField(() => UserConnection)
  async following(
    @Parent() user: UserModel,
    @Args() args: ConnectionArgs,
    @Context() context: RequestContext,
  ): Promise<UserConnection> {
    return this.connection(
      await this.follows.following(user.rowId, args, context.viewer?.id),
      args,
    );
  }

  private connection(rows: FollowListRow[], args: ConnectionArgs): UserConnection {
    return toConnection(
      rows,
      pageSize(args),
      (row) => row.cursor,
      (row) => UserModel.from(row.user),
      !!args.after,
    );
  }

  private async fresh(id: string): Promise<UserModel> {
    return UserModel.from(await this.accounts.getActive(id));
  }

  /** The account as the viewer may see it: withheld when it blocks the viewer. */
  private async freshFor(id: string, viewer: Viewer, context: RequestContext): Promise<UserModel> {
    const user = await this.fresh(id);
    return (await this.policy.isHiddenFrom(context.loaders, id, viewer.id))
      ? withheldProfile(user)
      : user;
  }
}
