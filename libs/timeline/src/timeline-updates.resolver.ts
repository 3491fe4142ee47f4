import { Args, Context, Resolver, Subscription } from '@nestjs/graphql';
import { Authenticated, CurrentViewer, RequestContext, Viewer } from '@app/common';
import { TimelineUpdateModel } from './models/timeline-update.model';
import { TimelineLive } from './timeline-live';

@Resolver(() => TimelineUpdateModel)
export class TimelineUpdatesResolver {
  constructor(private readonly live: TimelineLive) {}

  @Subscription(() => TimelineUpdateModel, {
    description:
      "The signed-in viewer's home timeline as it changes. With `after`, what was missed since that cursor is sent first.",
    resolve: (update: TimelineUpdateModel) => update,
  })
  @Authenticated()
  timelineUpdates(
    @Args('after', { type: () => String, nullable: true }) after: string | null | undefined,
    @CurrentViewer() viewer: Viewer,
    @Context() context: RequestContext,
  ): Promise<AsyncIterableIterator<TimelineUpdateModel>> {
    return this.live.open(viewer.id, after, context);
  }
}
