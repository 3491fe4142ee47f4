import {
  Args,
  Context,
  ID,
  Mutation,
  Parent,
  Query,
  ResolveField,
  Resolver,
  Subscription,
} from '@nestjs/graphql';
import { BroadcastModel } from '@app/broadcasts';
import {
  Authenticated,
  CurrentViewer,
  GlobalIdPipe,
  NotFoundError,
  RequestContext,
  RequestLoaders,
  UnauthenticatedError,
  Viewer,
} from '@app/common';
import { SeeItService } from '../button/see-it.service';
import { SeeItTarget } from '../see-it.enums';
import { ShowModel } from '../shows/models/show.model';
import { ShowsService } from '../shows/shows.service';
import { DevicesService } from './devices.service';
import { DeviceModel, DevicePairingModel, PlayCommandModel } from './models/device.model';
import { PlayCommands } from './play-commands';

/** Close code of a socket whose device was unpaired: the same as for a refused token. */
const UNPAIRED_CLOSE_CODE = 4403;

@Resolver(() => DeviceModel)
export class DevicesResolver {
  constructor(
    private readonly service: DevicesService,
    private readonly commands: PlayCommands,
  ) {}

  @Query(() => [DeviceModel], {
    description:
      "The signed-in account's paired screens, oldest first. UNAUTHENTICATED when signed out.",
  })
  @Authenticated()
  async devices(@CurrentViewer() viewer: Viewer): Promise<DeviceModel[]> {
    return (await this.service.list(viewer.id)).map((device) => DeviceModel.from(device));
  }

  @Mutation(() => DevicePairingModel, {
    description:
      'Pairs a screen with the signed-in account; the screen then connects with the returned deviceToken to receive playCommands. BAD_USER_INPUT for a bad name; CONFLICT with 50 paired devices already; RATE_LIMITED when pairing too often.',
  })
  @Authenticated()
  async pairDevice(
    @Args('name', { description: 'A name for the screen, 1 to 60 characters.' }) name: string,
    @Args('kind', { description: 'What kind of screen it is.', type: () => SeeItTarget })
    kind: SeeItTarget,
    @CurrentViewer() viewer: Viewer,
  ): Promise<DevicePairingModel> {
    const { device, token } = await this.service.pair(viewer, name, kind);
    return { device: DeviceModel.from(device), deviceToken: token };
  }

  @Mutation(() => Boolean, {
    description:
      'Unpairs one of your screens; its token stops working. True when done; NOT_FOUND for a device that is not yours.',
  })
  @Authenticated()
  async unpairDevice(
    @Args(
      'id',
      { description: 'Global id of the device.', type: () => ID },
      new GlobalIdPipe('Device'),
    )
    id: string,
    @CurrentViewer() viewer: Viewer,
  ): Promise<boolean> {
    await this.service.unpair(viewer, id);
    return true;
  }

  @Subscription(() => PlayCommandModel, {
    description: 'For a paired screen (deviceToken in connection_init): what to play now.',
    // Fresh loaders per command, as the device's owner sees things.
    resolve: (command: PlayCommandModel, _args: unknown, context: RequestContext) => {
      context.loaders = new RequestLoaders(context.device?.ownerId);
      return command;
    },
  })
  async playCommands(@Context() context: RequestContext): Promise<AsyncIterator<PlayCommandModel>> {
    const device = context.device;
    if (!device) {
      throw new UnauthenticatedError(
        'playCommands is for paired screens: connect with { deviceToken } in connection_init.',
      );
    }
    const close = () => context.closeConnection?.(UNPAIRED_CLOSE_CODE, 'This device was unpaired.');
    // Listening first, then checking: an unpairing in between is either seen here or heard there.
    const queue = this.commands.listen(device.id, close);
    if (!(await this.service.isPaired(device.id))) {
      await queue.return();
      close();
      throw new NotFoundError('The device');
    }
    return queue;
  }
}

@Resolver(() => PlayCommandModel)
export class PlayCommandResolver {
  constructor(
    private readonly shows: ShowsService,
    private readonly buttons: SeeItService,
  ) {}

  @ResolveField(() => ShowModel, {
    description: 'The show to play; null when it is a broadcast (or hidden now).',
    nullable: true,
  })
  async show(
    @Parent() command: PlayCommandModel,
    @Context() context: RequestContext,
  ): Promise<ShowModel | null> {
    if (!command.showId) return null;
    const show = await this.shows.findVisible(
      context.loaders,
      command.showId,
      context.device?.ownerId ?? context.viewer?.id,
    );
    return show ? ShowModel.from(show) : null;
  }

  @ResolveField(() => BroadcastModel, {
    description: 'The broadcast to play; null when it is a show (or hidden now).',
    nullable: true,
  })
  async broadcast(
    @Parent() command: PlayCommandModel,
    @Context() context: RequestContext,
  ): Promise<BroadcastModel | null> {
    if (!command.broadcastId) return null;
    const broadcast = await this.buttons.findVisibleBroadcast(
      context.loaders,
      command.broadcastId,
      context.device?.ownerId ?? context.viewer?.id,
    );
    return broadcast ? BroadcastModel.from(broadcast) : null;
  }
}
