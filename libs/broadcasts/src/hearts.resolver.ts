import { Args, Context, Int, Mutation, Resolver } from '@nestjs/graphql';
import { Authenticated, CurrentViewer, RequestContext, Viewer } from '@app/common';
import { BroadcastIdArg } from './broadcast-id.arg';
import { HeartsService } from './hearts.service';
import { BroadcastModel } from './models/broadcast.model';

@Resolver(() => BroadcastModel)
export class HeartsResolver {
  constructor(private readonly hearts: HeartsService) {}

  @Mutation(() => Boolean, {
    description:
      'Sends hearts to a LIVE broadcast; they reach watchers batched in HEARTS events. True when accepted. BAD_USER_INPUT for a count outside 1 to 100; NOT_FOUND when it is not live or hidden; CONFLICT while SCHEDULED; RATE_LIMITED when sent too fast.',
  })
  @Authenticated()
  async sendHearts(
    @BroadcastIdArg('broadcastId') id: string,
    @Args('count', {
      description: 'How many hearts: 1 to 100 (default 1).',
      type: () => Int,
      nullable: true,
    })
    count: number | null,
    @CurrentViewer() viewer: Viewer,
    @Context() context: RequestContext,
  ): Promise<boolean> {
    await this.hearts.send(viewer, id, count, context.loaders);
    return true;
  }
}
