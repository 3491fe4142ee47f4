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
  canModerate,
  compactConnection,
  ConnectionArgs,
  CurrentViewer,
  ForbiddenError,
  GlobalIdPipe,
  mapConnection,
  RequestContext,
  requireViewer,
  Role,
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

  @Query(() => ShowModel, {
    description:
      'The show with this slug; null when there is none or its owner blocked the viewer.',
    nullable: true,
  })
  async show(
    @Args('slug', { description: "The show's slug, in any case." }) slug: string,
    @Context() context: RequestContext,
  ): Promise<ShowModel> {
    return ShowModel.from(await this.service.getBySlug(slug, context.viewer?.id));
  }

  @Query(() => ShowConnection, {
    description: 'Shows of every partner; with onNow, only those airing now.',
  })
  async shows(
    @Args() args: ShowsArgs,
    @Context() context: RequestContext,
  ): Promise<ShowConnection> {
    const shows = await this.service.list(args.onNow, args, context.viewer?.id);
    return mapConnection(shows, (show) => ShowModel.from(show));
  }

  @Mutation(() => ShowModel, {
    description:
      'A partner (or an admin) creates a show it owns. Invalid fields are BAD_USER_INPUT naming the field; a taken slug or hashtag is CONFLICT; FORBIDDEN for members; UNAUTHENTICATED when signed out.',
  })
  @Authenticated(Role.PARTNER, Role.ADMIN)
  async createShow(
    @Args('input', { description: 'The show.' }) input: CreateShowInput,
    @CurrentViewer() viewer: Viewer,
  ): Promise<ShowModel> {
    return ShowModel.from(await this.service.create(viewer, input));
  }

  @Mutation(() => ShowModel, {
    description:
      "The show's owner or an admin adds an airing and returns the show. BAD_USER_INPUT when it ends before it starts or a field is invalid; CONFLICT when it overlaps another airing of the show on the same channel; NOT_FOUND for an unknown show; FORBIDDEN for anyone else.",
  })
  @Authenticated(Role.PARTNER, Role.ADMIN)
  async addAiring(
    @Args(
      'showId',
      { description: 'Global id of the show.', type: () => ID },
      new GlobalIdPipe('Show'),
    )
    showId: string,
    @Args('input', { description: 'The airing.' }) input: AiringInput,
    @CurrentViewer() viewer: Viewer,
    @Context() context: RequestContext,
  ): Promise<ShowModel> {
    const show = await this.service.addAiring(viewer, showId, input, context.loaders);
    return ShowModel.from(show);
  }

  @ResolveField(() => UserModel, { description: 'The partner account that publishes the show.' })
  async owner(show: ShowModel, _args: unknown, context: RequestContext): Promise<UserModel> {
    const owner = await context.loaders.load(this.accounts.byId, show.ownerId);
    // Shows of suspended owners are filtered when read; a race lands as null data.
    return UserModel.from(owner!);
  }

  @ResolveField(() => [AiringModel], { description: 'Every airing, in the order they start.' })
  async airings(show: ShowModel, _args: unknown, context: RequestContext): Promise<AiringModel[]> {
    return (await context.loaders.load(this.service.airings, show.rowId)).map((airing) =>
      AiringModel.from(airing),
    );
  }

  @ResolveField(() => Boolean, { description: 'True while one of its airings is on.' })
  async onNow(show: ShowModel, _args: unknown, context: RequestContext): Promise<boolean> {
    return (await context.loaders.load(this.service.schedule, show.rowId)).current !== null;
  }

  @ResolveField(() => AiringModel, {
    description: 'The next airing to start; null when none is scheduled.',
    nullable: true,
  })
  async nextAiring(
    show: ShowModel,
    _args: unknown,
    context: RequestContext,
  ): Promise<AiringModel | null> {
    const { next } = await context.loaders.load(this.service.schedule, show.rowId);
    return next && AiringModel.from(next);
  }

  @ResolveField(() => SeeItModel, { description: 'Where and how to watch the show.' })
  seeIt(show: ShowModel, _args: unknown, context: RequestContext): Promise<SeeItModel> {
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
    const page = await this.service.conversation(show, context.viewer?.id, args);
    const posts = await context.loaders.loadMany(
      this.posts.byId,
      page.edges.map((edge) => edge.node.postId),
    );
    // A post deleted between the two reads is left out.
    return compactConnection(page, (_row, i) => {
      const post = posts[i];
      return post ? PostModel.from(post) : undefined;
    });
  }

  @ResolveField(() => [SeeItStatModel], {
    description: "Taps on its See it button; only the show's owner and admins may read it.",
  })
  seeItStats(show: ShowModel, _args: unknown, context: RequestContext): Promise<SeeItStatModel[]> {
    const viewer = requireViewer(context);
    if (!canModerate(viewer, show.ownerId)) {
      throw new ForbiddenError("Only the show's owner and admins may read its See it stats.");
    }
    return context.loaders.load(this.taps.stats, show.rowId);
  }
}
