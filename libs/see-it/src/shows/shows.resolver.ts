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
import {
  Authenticated,
  ConnectionArgs,
  CurrentViewer,
  ForbiddenError,
  GlobalIdPipe,
  NotFoundError,
  pageSize,
  RequestContext,
  requireViewer,
  Role,
  toConnection,
  Viewer,
} from '@app/common';
import { PostConnection, PostModel, PostsService } from '@app/posts';
import { SeeItModel } from '../button/models/see-it.model';
import { SeeItService } from '../button/see-it.service';
import { TapsService } from '../taps/taps.service';
import { AiringInput, CreateShowInput } from './dto/show.inputs';
import { ShowsArgs } from './dto/shows.args';
import { AiringModel, SeeItStatModel, ShowConnection, ShowModel } from './models/show.model';
import { ShowsService } from './shows.service';

@Resolver(() => ShowModel)
export class ShowsResolver {
  constructor(
    private readonly service: ShowsService,
    private readonly buttons: SeeItService,
    private readonly taps: TapsService,
    private readonly accounts: AccountsService,
    private readonly posts: PostsService,
  ) {}

  @Query(() => ShowModel, { nullable: true })
  async show(@Args('slug') slug: string, @Context() context: RequestContext): Promise<ShowModel> {
    const show = await this.service.bySlug(slug, context.viewer?.id);
    if (!show) throw new NotFoundError('The show');
    return ShowModel.from(show);
  }

  @Query(() => ShowConnection, {
    description: 'Shows of every partner; with onNow, only those airing now.',
  })
  async shows(
    @Args() args: ShowsArgs,
    @Context() context: RequestContext,
  ): Promise<ShowConnection> {
    return toConnection(
      await this.service.list(args.onNow, args, context.viewer?.id),
      pageSize(args),
      (row) => row.cursor,
      (row) => ShowModel.from(row.show),
      !!args.after,
    );
  }

  @Mutation(() => ShowModel)
  @Authenticated(Role.PARTNER, Role.ADMIN)
  async createShow(
    @Args('input') input: CreateShowInput,
    @CurrentViewer() viewer: Viewer,
  ): Promise<ShowModel> {
    return ShowModel.from(await this.service.create(viewer, input));
  }

  @Mutation(() => ShowModel)
  @Authenticated(Role.PARTNER, Role.ADMIN)
  async addAiring(
    @Args('showId', { type: () => ID }, new GlobalIdPipe('Show')) showId: string,
    @Args('input') input: AiringInput,
    @CurrentViewer() viewer: Viewer,
    @Context() context: RequestContext,
  ): Promise<ShowModel> {
    const show = await this.service.addAiring(viewer, showId, input, context.loaders);
    return ShowModel.from(show);
  }

  @ResolveField(() => UserModel)
  async owner(@Parent() show: ShowModel, @Context() context: RequestContext): Promise<UserModel> {
    const owner = await context.loaders.load(this.accounts.byId, show.ownerId);
    // Shows of suspended owners are filtered when read; a race lands as null data.
    return UserModel.from(owner!);
  }

  @ResolveField(() => [AiringModel])
  async airings(
    @Parent() show: ShowModel,
    @Context() context: RequestContext,
  ): Promise<AiringModel[]> {
    return (await context.loaders.load(this.service.airings, show.rowId)).map((airing) =>
      AiringModel.from(airing),
    );
  }

  @ResolveField(() => Boolean)
  async onNow(@Parent() show: ShowModel, @Context() context: RequestContext): Promise<boolean> {
    return (await context.loaders.load(this.service.schedule, show.rowId)).current !== null;
  }

  @ResolveField(() => AiringModel, { nullable: true })
  async nextAiring(
    @Parent() show: ShowModel,
    @Context() context: RequestContext,
  ): Promise<AiringModel | null> {
    const { next } = await context.loaders.load(this.service.schedule, show.rowId);
    return next && AiringModel.from(next);
  }

  @ResolveField(() => SeeItModel)
  seeIt(@Parent() show: ShowModel, @Context() context: RequestContext): Promise<SeeItModel> {
    return this.buttons.forShow(context.loaders, show);
  }

  @ResolveField(() => PostConnection, {
    description:
      "Posts that mention the show's hashtag, newest first: the live conversation around it.",
  })
  async conversation(
    @Parent() show: ShowModel,
    @Args() args: ConnectionArgs,
    @Context() context: RequestContext,
  ): Promise<PostConnection> {
    const rows = await this.service.conversation(show.tag, context.viewer?.id, args);
    const page = rows.slice(0, pageSize(args));
    const posts = await context.loaders.loadMany(
      this.posts.byId,
      page.map((row) => row.postId),
    );
    // A post deleted between the two reads is dropped; the page boundary stays the raw rows'.
    const found = page.flatMap((row, i) => {
      const post = posts[i];
      return post ? [{ cursor: row.cursor, post }] : [];
    });
    const connection = toConnection(
      found,
      found.length,
      (row) => row.cursor,
      (row) => PostModel.from(row.post),
      !!args.after,
    );
    connection.pageInfo.hasNextPage = rows.length > pageSize(args);
    return connection;
  }

  @ResolveField(() => [SeeItStatModel], {
    description: "Taps on its See it button; only the show's owner and admins may read it.",
  })
  seeItStats(
    @Parent() show: ShowModel,
    @Context() context: RequestContext,
  ): Promise<SeeItStatModel[]> {
    const viewer = requireViewer(context);
    if (viewer.id !== show.ownerId && viewer.role !== Role.ADMIN) {
      throw new ForbiddenError("Only the show's owner and admins may read its See it stats.");
    }
    return context.loaders.load(this.taps.stats, show.rowId);
  }
}
