import { Args, Resolver, Subscription } from '@nestjs/graphql';
import { Authenticated, CurrentViewer, RequestContext, Viewer } from '@app/common';
import { TimelineUpdateModel } from './models/timeline-update.model';
import { TimelineLive } from './live/timeline-live';
import { TimelineDelivery } from './live/timeline-sinks';

@Resolver(() => TimelineUpdateModel)
export class TimelineUpdatesResolver {
  constructor(private readonly live: TimelineLive) {}

  @Subscription(() => TimelineUpdateModel, {
    description:
      "The signed-in viewer's home timeline as it changes. With `after`, what was missed since that cursor is sent first.",
    // Each event's fields resolve with the loaders its item was read with, not the socket's.
    resolve: (delivery: TimelineDelivery, _args: unknown, context: RequestContext) => {
      context.loaders = delivery.loaders;
      return delivery.update;
    },
  })
  @Authenticated()
  timelineUpdates(
    @Args('after', {
      description:
        'The cursor of the last TimelineUpdate received (TimelineUpdate.cursor, not a TimelineEdge.cursor, which is BAD_USER_INPUT here); left out, only what happens from now on is sent.',
      type: () => String,
      nullable: true,
    })
    after: string | null | undefined,
    @CurrentViewer() viewer: Viewer,
  ): Promise<AsyncIterableIterator<TimelineDelivery>> {
    return this.live.open(viewer.id, after);
  }
}
