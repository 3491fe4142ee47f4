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
  DEFAULT_PAGE_SIZE,
  GlobalIdPipe,
  InvalidInputError,
  mapConnection,
  MAX_PAGE_SIZE,
  NotFoundError,
  RequestContext,
  Viewer,
} from '@app/common';
import { HANDLE_PATTERN } from '@app/config';
import { BlockService } from './block.service';
import { FollowService } from './follow.service';
import { UserConnection } from './models/user-connection.model';
import { RelationshipPolicy, visibleToViewerSql, withheldProfile } from './relationship.policy';

const userId = () => new GlobalIdPipe('User');

@Resolver(() => UserModel)
export class GraphResolver {
  constructor(
    private readonly accounts: AccountsService,
    private readonly follows: FollowService,
    private readonly blocks: BlockService,
    private readonly policy: RelationshipPolicy,
  ) {}

  @Query(() => UserModel, {
    description:
      'The account with this handle (any case); null when there is none, it is suspended, or it blocked the viewer.',
    nullable: true,
  })
  async user(
    @Args('handle', { description: "The handle, without '@'." }) handle: string,
    @Context() context: RequestContext,
  ): Promise<UserModel> {
    // Only something shaped like a handle is looked up or echoed back in the error message.
    const valid = HANDLE_PATTERN.test(handle);
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
    @Args('query', {
      description: 'Start of a handle or display name, in any case; at most 100 characters.',
    })
    query: string,
    @Args('first', {
      description: `How many to return: 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).`,
      type: () => Int,
      nullable: true,
    })
    first: number | undefined,
    @Context() context: RequestContext,
  ): Promise<UserModel[]> {
    const limit = first ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      throw InvalidInputError.field('first', `must be from 1 to ${MAX_PAGE_SIZE}`);
    }
    if (query.length > 100)
      throw InvalidInputError.field('query', 'must be at most 100 characters');
    // Accounts that block the viewer are left out, as from every list.
    const users = await this.accounts.search(
      query,
      limit,
      context.viewer?.id,
      (idColumn, viewerParam) => visibleToViewerSql(idColumn, viewerParam),
    );
    return users.map((user) => UserModel.from(user));
  }

  @Mutation(() => UserModel, {
    description: 'notify (default true): also get a WENT_LIVE notification when they go live.',
  })
  @Authenticated()
  async follow(
    @Args(
      'userId',
      {
        description:
          'Global id of the account to follow. Following yourself is BAD_USER_INPUT; an account that blocked you is NOT_FOUND; one you block is CONFLICT. Following again changes nothing but notify.',
        type: () => ID,
      },
      userId(),
    )
    id: string,
    @Args('notify', {
      description: 'Whether to be notified when they go live (default true).',
      nullable: true,
      type: () => Boolean,
    })
    notify: boolean | undefined,
    @CurrentViewer() viewer: Viewer,
  ): Promise<UserModel> {
    await this.follows.follow(viewer, id, notify ?? undefined);
    return this.fresh(id);
  }

  @Mutation(() => UserModel, {
    description:
      'Stops following the account; unfollowing one you do not follow changes nothing. Returns the account.',
  })
  @Authenticated()
  async unfollow(
    @Args(
      'userId',
      {
        description:
          'Global id of the account to unfollow; an unknown or suspended one is NOT_FOUND.',
        type: () => ID,
      },
      userId(),
    )
    id: string,
    @CurrentViewer() viewer: Viewer,
    @Context() context: RequestContext,
  ): Promise<UserModel> {
    await this.policy.assertVisible(context.loaders, id, viewer.id, 'The user');
    await this.follows.unfollow(viewer, id);
    return this.fresh(id);
  }

  // Blocking back and lifting one's own block stay possible, whoever blocks whom.
  @Mutation(() => UserModel, {
    description:
      'Blocks the account: follows either way end, and you disappear from its view (NOT_FOUND when it acts on you). Idempotent. Returns the account.',
  })
  @Authenticated()
  async block(
    @Args(
      'userId',
      {
        description:
          'Global id of the account to block; yourself is BAD_USER_INPUT, an unknown or suspended one NOT_FOUND.',
        type: () => ID,
      },
      userId(),
    )
    id: string,
    @CurrentViewer() viewer: Viewer,
    @Context() context: RequestContext,
  ): Promise<UserModel> {
    await this.blocks.block(viewer, id);
    return this.freshFor(id, viewer, context);
  }

  @Mutation(() => UserModel, { description: 'Lifts a block; idempotent. Returns the account.' })
  @Authenticated()
  async unblock(
    @Args(
      'userId',
      {
        description:
          'Global id of the account to unblock; an unknown or suspended one is NOT_FOUND.',
        type: () => ID,
      },
      userId(),
    )
    id: string,
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

  @Mutation(() => UserModel, {
    description:
      "Hides the account's posts and broadcasts from your timeline and its notifications from you; it is not told. Idempotent. Returns the account.",
  })
  @Authenticated()
  async mute(
    @Args(
      'userId',
      {
        description:
          'Global id of the account to mute; yourself is BAD_USER_INPUT, an unknown or suspended one NOT_FOUND.',
        type: () => ID,
      },
      userId(),
    )
    id: string,
    @CurrentViewer() viewer: Viewer,
    @Context() context: RequestContext,
  ): Promise<UserModel> {
    await this.policy.assertVisible(context.loaders, id, viewer.id, 'The user');
    await this.blocks.mute(viewer, id);
    return this.fresh(id);
  }

  @Mutation(() => UserModel, { description: 'Lifts a mute; idempotent. Returns the account.' })
  @Authenticated()
  async unmute(
    @Args(
      'userId',
      {
        description:
          'Global id of the account to unmute; an unknown or suspended one is NOT_FOUND.',
        type: () => ID,
      },
      userId(),
    )
    id: string,
    @CurrentViewer() viewer: Viewer,
    @Context() context: RequestContext,
  ): Promise<UserModel> {
    await this.policy.assertVisible(context.loaders, id, viewer.id, 'The user');
    await this.blocks.unmute(viewer, id);
    return this.fresh(id);
  }

  @ResolveField(() => Boolean, { description: 'True when the signed-in viewer follows this user.' })
  async viewerFollows(user: UserModel, _args: unknown, context: RequestContext): Promise<boolean> {
    return (await context.loaders.load(this.follows.viewerFollows, user.rowId)) !== undefined;
  }

  @ResolveField(() => Boolean, {
    description:
      'True when the viewer follows this user and asked to be notified when they go live.',
  })
  async viewerNotifiedWhenLive(
    user: UserModel,
    _args: unknown,
    context: RequestContext,
  ): Promise<boolean> {
    return (await context.loaders.load(this.follows.viewerFollows, user.rowId))?.notify ?? false;
  }

  @ResolveField(() => Boolean, { description: 'True when this user follows the signed-in viewer.' })
  followsViewer(user: UserModel, _args: unknown, context: RequestContext): Promise<boolean> {
    return context.loaders.load(this.follows.followsViewer, user.rowId);
  }

  @ResolveField(() => Boolean, {
    description: 'True when the signed-in viewer blocks this user; false when signed out.',
  })
  viewerBlocks(user: UserModel, _args: unknown, context: RequestContext): Promise<boolean> {
    return context.loaders.load(this.blocks.viewerBlocks, user.rowId);
  }

  @ResolveField(() => Boolean, {
    description: 'True when the signed-in viewer mutes this user; false when signed out.',
  })
  viewerMutes(user: UserModel, _args: unknown, context: RequestContext): Promise<boolean> {
    return context.loaders.load(this.blocks.viewerMutes, user.rowId);
  }

  @ResolveField(() => UserConnection, {
    description:
      'Accounts following this user, most recent first. Accounts that blocked the viewer are left out; empty when this user did.',
  })
  async followers(
    @Parent() user: UserModel,
    @Args() args: ConnectionArgs,
    @Context() context: RequestContext,
  ): Promise<UserConnection> {
    return mapConnection(
      await this.follows.followers(user.rowId, args, context.viewer?.id),
      (follower) => UserModel.from(follower),
    );
  }

  @ResolveField(() => UserConnection, {
    description:
      'Accounts this user follows, most recent first. Accounts that blocked the viewer are left out; empty when this user did.',
  })
  async following(
    @Parent() user: UserModel,
    @Args() args: ConnectionArgs,
    @Context() context: RequestContext,
  ): Promise<UserConnection> {
    return mapConnection(
      await this.follows.following(user.rowId, args, context.viewer?.id),
      (followee) => UserModel.from(followee),
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
