import { Context, Mutation, Resolver, Subscription } from '@nestjs/graphql';
import { Authenticated, CurrentViewer, RequestContext, Viewer } from '@app/common';
import { AsyncQueue } from '@app/realtime';
import { BroadcastIdArg } from './broadcast-id.arg';
import { BroadcastStream } from './broadcast-stream';
import { BroadcastsService } from './broadcasts.service';
import { BroadcastEventModel } from './models/broadcast-event.model';
import { BroadcastModel } from './models/broadcast.model';
import { PresenceService } from './presence.service';

/** Watching a broadcast: being counted (join, leave) and its events while you watch. */
@Resolver(() => BroadcastModel)
export class PresenceResolver {
  constructor(
    private readonly broadcasts: BroadcastsService,
    private readonly presence: PresenceService,
    private readonly stream: BroadcastStream,
  ) {}

  @Mutation(() => BroadcastModel, {
    description:
      'Counts the signed-in viewer as watching a LIVE broadcast for 60 seconds (join again as a heartbeat to stay counted) and returns it; on an ENDED one, counts a replay view. The broadcaster is never counted. NOT_FOUND when it does not exist, is hidden, was canceled or has no replay; CONFLICT while still SCHEDULED.',
  })
  @Authenticated()
  async joinBroadcast(
    @BroadcastIdArg() id: string,
    @CurrentViewer() viewer: Viewer,
    @Context() context: RequestContext,
  ): Promise<BroadcastModel> {
    return BroadcastModel.from(await this.presence.join(viewer, id, context.loaders));
  }

  @Mutation(() => BroadcastModel, {
    description:
      'Stops counting the signed-in viewer as watching; idempotent. Returns the broadcast. NOT_FOUND when it does not exist or is hidden.',
  })
  @Authenticated()
  async leaveBroadcast(
    @BroadcastIdArg() id: string,
    @CurrentViewer() viewer: Viewer,
    @Context() context: RequestContext,
  ): Promise<BroadcastModel> {
    return BroadcastModel.from(await this.presence.leave(viewer, id, context.loaders));
  }

  /** Anyone who may see the broadcast may watch its events, signed in or not. */
  @Subscription(() => BroadcastEventModel, {
    description:
      'Everything that happens to a broadcast while you watch: viewers, hearts, comments, start and end. Open to anyone who may see the broadcast, signed in or not.',
    resolve: (event: BroadcastEventModel) => event,
  })
  async broadcastEvents(
    @BroadcastIdArg(
      'broadcastId',
      'Global id of the broadcast; NOT_FOUND when it does not exist or is hidden from the viewer.',
    )
    id: string,
    @Context() context: RequestContext,
  ): Promise<AsyncQueue<BroadcastEventModel>> {
    await this.broadcasts.getVisible(context.loaders, id, context.viewer?.id);
    return this.stream.open(id, context);
  }
}
