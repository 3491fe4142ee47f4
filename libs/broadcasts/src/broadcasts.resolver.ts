import { Inject } from '@nestjs/common';
import { Args, Context, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { AccountsService, UserModel } from '@app/accounts';
import {
  ConnectionArgs,
  mapConnection,
  mapRead,
  Read,
  RequestContext,
  ViewerIndependent,
} from '@app/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { BroadcastIdArg } from './broadcast-id.arg';
import { BroadcastsService } from './broadcasts.service';
import {
  BroadcastConnection,
  BroadcastIngestModel,
  BroadcastModel,
} from './models/broadcast.model';

/** Reading broadcasts: one by id, the live list, and the fields every broadcast has. */
@Resolver(() => BroadcastModel)
export class BroadcastsResolver {
  constructor(
    private readonly broadcasts: BroadcastsService,
    private readonly accounts: AccountsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Query(() => BroadcastModel, {
    description:
      'The broadcast with this id; null when it does not exist or is hidden from the viewer.',
    nullable: true,
  })
  async broadcast(
    @BroadcastIdArg() id: string,
    @Context() context: RequestContext,
  ): Promise<BroadcastModel> {
    return BroadcastModel.from(
      await this.broadcasts.getVisible(context.loaders, id, context.viewer?.id),
    );
  }

  @Query(() => BroadcastConnection, {
    description:
      'Broadcasts live now from accounts the viewer follows, then other public ones, most watched first.',
  })
  async liveNow(
    @Args() args: ConnectionArgs,
    @Context() context: RequestContext,
  ): Promise<BroadcastConnection> {
    return mapConnection(await this.broadcasts.liveNow(context.viewer?.id, args), (broadcast) =>
      BroadcastModel.from(broadcast),
    );
  }

  @ResolveField(() => UserModel, { description: 'The account broadcasting.' })
  @ViewerIndependent()
  broadcaster(broadcast: BroadcastModel, _args: unknown, context: RequestContext): Read<UserModel> {
    // Broadcasts of suspended accounts are filtered before they get here; a race lands as null data.
    return mapRead(context.loaders.read(this.accounts.byId, broadcast.broadcasterId), (user) =>
      UserModel.from(user!),
    );
  }

  @ResolveField(() => BroadcastIngestModel, {
    nullable: true,
    description: 'Only the broadcaster sees this; null for everyone else.',
  })
  async ingest(
    broadcast: BroadcastModel,
    _args: unknown,
    context: RequestContext,
  ): Promise<BroadcastIngestModel | null> {
    if (context.viewer?.id !== broadcast.broadcasterId) return null;
    const streamKey = broadcast.streamKey ?? (await this.broadcasts.streamKeyOf(broadcast.rowId));
    return streamKey === undefined ? null : { rtmpUrl: this.config.media.rtmpUrl, streamKey };
  }
}
