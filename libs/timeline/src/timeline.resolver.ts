import { Args, Context, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { UserModel } from '@app/accounts';
import {
  Authenticated,
  compactConnection,
  ConnectionArgs,
  CurrentViewer,
  readAll,
  RequestContext,
  Viewer,
} from '@app/common';
import { RelationshipPolicy } from '@app/graph';
import { encodePosition } from './log-position';
import { TimelineConnection } from './models/timeline.model';
import { TimelinePage } from './timeline-entries.repository';
import { TimelineSources } from './timeline-sources';
import { TimelineService } from './timeline.service';

@Resolver(() => UserModel)
export class TimelineResolver {
  constructor(
    private readonly timelines: TimelineService,
    private readonly sources: TimelineSources,
    private readonly policy: RelationshipPolicy,
  ) {}

  @Query(() => TimelineConnection, {
    description:
      'Posts and broadcasts of the viewer and everyone the viewer follows, newest first; live cards included. UNAUTHENTICATED when signed out.',
  })
  @Authenticated()
  async homeTimeline(
    @Args() args: ConnectionArgs,
    @CurrentViewer() viewer: Viewer,
    @Context() context: RequestContext,
  ): Promise<TimelineConnection> {
    return this.connection(await this.timelines.home(viewer.id, args, context.loaders), context);
  }

  @ResolveField(() => TimelineConnection, {
    description:
      "This user's own posts and broadcasts, newest first; empty when this user blocked the viewer.",
  })
  async timeline(
    @Parent() user: UserModel,
    @Args() args: ConnectionArgs,
    @Context() context: RequestContext,
  ): Promise<TimelineConnection> {
    // Empty, like followers and following, for a user who blocks the viewer: one only reaches
    // their withheld profile (RelationshipPolicy), where the API must still answer with it.
    const hidden = await this.policy.isHiddenFrom(context.loaders, user.rowId, context.viewer?.id);
    return this.connection(await this.timelines.ofAuthor(user.rowId, args, hidden), context);
  }

  /**
   * Resolves every item of the page in one batch per kind; items gone meanwhile are dropped, and
   * the page's first and last cursors are those of the items kept. hasNextPage comes from the
   * raw rows: an item dropped here does not end the timeline.
   */
  private async connection(
    { page, logHead }: TimelinePage,
    context: RequestContext,
  ): Promise<TimelineConnection> {
    const nodes = await readAll(
      page.edges.map(({ node: ref }) =>
        this.sources.get(ref.kind).resolve(context.loaders, ref.itemId, context.viewer?.id),
      ),
    );
    return {
      ...compactConnection(page, (_ref, i) => nodes[i]),
      updatesCursor: encodePosition(logHead),
    };
  }
}
