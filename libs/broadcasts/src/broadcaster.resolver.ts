import { ResolveField, Resolver } from '@nestjs/graphql';
import { UserModel } from '@app/accounts';
import { RequestContext } from '@app/common';
import { BroadcastsService } from './broadcasts.service';
import { BroadcastModel } from './models/broadcast.model';

/** What a user's profile says about their broadcasts. */
@Resolver(() => UserModel)
export class BroadcasterResolver {
  constructor(private readonly broadcasts: BroadcastsService) {}

  @ResolveField(() => BroadcastModel, {
    nullable: true,
    description: 'The broadcast this user is live in right now, if any.',
  })
  async liveBroadcast(
    user: UserModel,
    _args: unknown,
    context: RequestContext,
  ): Promise<BroadcastModel | null> {
    const live = await this.broadcasts.findLiveVisible(
      context.loaders,
      user.rowId,
      context.viewer?.id,
    );
    return live ? BroadcastModel.from(live) : null;
  }
}
