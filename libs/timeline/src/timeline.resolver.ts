import { Args, Context, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { UserModel } from '@app/accounts';
import {
  Authenticated,
  ConnectionArgs,
  CurrentViewer,
  RequestContext,
  toConnection,
  Viewer,
} from '@app/common';
import { RelationshipPolicy } from '@app/graph';
import { TimelineConnection } from './models/timeline.model';
import { TimelineItemRef, TimelineSources } from './timeline-sources';
import { timelineCursor, TimelinePage, TimelineService } from './timeline.service';
import { updateCursor } from './timeline-updates';

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
    return this.connection(await this.timelines.home(viewer.id, args), args, context);
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
    return this.connection(await this.timelines.ofAuthor(user.rowId, args, hidden), args, context);
  }

  /** Resolves every item of the page in one batch per kind; items gone meanwhile are dropped. */
  private async connection(
    page: TimelinePage,
    args: ConnectionArgs,
    context: RequestContext,
  ): Promise<TimelineConnection> {
    const nodes = await Promise.all(
      page.refs
        .slice(0, page.size)
        .map((ref) =>
          this.sources.get(ref.kind).resolve(context.loaders, ref.itemId, context.viewer?.id),
        ),
    );
    const resolved = page.refs
      .map((ref, i) => ({ ref, node: nodes[i] }))
      .filter((row): row is { ref: TimelineItemRef; node: object } => row.node !== undefined);
    const connection = toConnection(
      resolved,
      resolved.length,
      (row) => timelineCursor(row.ref),
      (row) => row.node,
      !!args.after,
    );
    // hasNextPage comes from the raw rows: an item dropped above does not end the timeline.
    connection.pageInfo.hasNextPage = page.refs.length > page.size;
    return { ...connection, updatesCursor: updateCursor(page.logHead) };
  }
}
