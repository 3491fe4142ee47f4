import { ResolveField, Resolver } from '@nestjs/graphql';
import { AccountsService, UserModel } from '@app/accounts';
import { RequestContext } from '@app/common';
import { BroadcastsService } from './broadcasts.service';
import { BroadcastCommentModel } from './models/broadcast-comment.model';
import { BroadcastModel } from './models/broadcast.model';

@Resolver(() => BroadcastCommentModel)
export class BroadcastCommentResolver {
  constructor(
    private readonly broadcasts: BroadcastsService,
    private readonly accounts: AccountsService,
  ) {}

  @ResolveField(() => UserModel, { description: 'Who wrote it.' })
  async author(
    comment: BroadcastCommentModel,
    _args: unknown,
    context: RequestContext,
  ): Promise<UserModel> {
    const author = await context.loaders.load(this.accounts.byId, comment.authorId);
    // Comments of suspended authors are filtered before they get here; a race lands as null data.
    return UserModel.from(author!);
  }

  @ResolveField(() => BroadcastModel, { description: 'The broadcast it was posted in.' })
  async broadcast(
    comment: BroadcastCommentModel,
    _args: unknown,
    context: RequestContext,
  ): Promise<BroadcastModel> {
    if (comment.broadcast) return comment.broadcast;
    const broadcast = await context.loaders.load(this.broadcasts.byId, comment.broadcastId);
    // Comments are reached through a broadcast the viewer may see; a race lands as null data.
    return BroadcastModel.from(broadcast!);
  }
}
