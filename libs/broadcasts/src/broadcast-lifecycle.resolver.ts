import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { Authenticated, CurrentViewer, RequestContext, Viewer } from '@app/common';
import { BroadcastIdArg } from './broadcast-id.arg';
import { BroadcastLifecycleService } from './broadcast-lifecycle.service';
import { StartBroadcastInput } from './dto/start-broadcast.input';
import { ChatMode } from './models/broadcast-enums';
import { BroadcastModel } from './models/broadcast.model';

/** Starting, ending and canceling broadcasts, and their chat mode. */
@Resolver(() => BroadcastModel)
export class BroadcastLifecycleResolver {
  constructor(private readonly lifecycle: BroadcastLifecycleService) {}

  @Mutation(() => BroadcastModel, {
    description:
      'Starts a broadcast as the signed-in account: LIVE now, or SCHEDULED when scheduledFor is in the future; read ingest for where to publish. A bad title is BAD_USER_INPUT; already live is CONFLICT; UNAUTHENTICATED when signed out; RATE_LIMITED when starting too often.',
  })
  @Authenticated()
  async startBroadcast(
    @Args('input', { description: 'The broadcast.' }) input: StartBroadcastInput,
    @CurrentViewer() viewer: Viewer,
  ): Promise<BroadcastModel> {
    return BroadcastModel.from(await this.lifecycle.start(viewer, input));
  }

  @Mutation(() => BroadcastModel, {
    description:
      'The broadcaster or an admin ends a LIVE broadcast and returns it. NOT_FOUND when it does not exist or is hidden; FORBIDDEN for anyone else; CONFLICT when it is not LIVE.',
  })
  @Authenticated()
  async endBroadcast(
    @BroadcastIdArg() id: string,
    @CurrentViewer() viewer: Viewer,
    @Context() context: RequestContext,
  ): Promise<BroadcastModel> {
    return BroadcastModel.from(await this.lifecycle.end(viewer, id, context.loaders));
  }

  @Mutation(() => BroadcastModel, {
    description:
      'The broadcaster or an admin calls off a SCHEDULED broadcast and returns it. NOT_FOUND when it does not exist or is hidden; FORBIDDEN for anyone else; CONFLICT when it is not SCHEDULED.',
  })
  @Authenticated()
  async cancelBroadcast(
    @BroadcastIdArg() id: string,
    @CurrentViewer() viewer: Viewer,
    @Context() context: RequestContext,
  ): Promise<BroadcastModel> {
    return BroadcastModel.from(await this.lifecycle.cancel(viewer, id, context.loaders));
  }

  @Mutation(() => BroadcastModel, {
    description:
      'The broadcaster or an admin changes who may comment, and returns the broadcast. NOT_FOUND, FORBIDDEN as for endBroadcast; CONFLICT once it ended or was canceled.',
  })
  @Authenticated()
  async setChatMode(
    @BroadcastIdArg('broadcastId') id: string,
    @Args('mode', { description: 'The new chat mode.', type: () => ChatMode }) mode: ChatMode,
    @CurrentViewer() viewer: Viewer,
    @Context() context: RequestContext,
  ): Promise<BroadcastModel> {
    return BroadcastModel.from(await this.lifecycle.setChatMode(viewer, id, mode, context.loaders));
  }
}
