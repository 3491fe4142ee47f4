import {
  Args,
  Context,
  ID,
  Mutation,
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
import {
  DeviceModel,
  DevicePairingModel,
  PlayCommandModel,
  ScreenCodeModel,
} from './models/device.model';
import { PlayCommands } from './play-commands';
import { ScreenCodesService } from './screen-codes.service';

/** Close code of a socket whose device was unpaired: the same as for a refused token. */
const UNPAIRED_CLOSE_CODE = 4403;

@Resolver(() => DeviceModel)
export class DevicesResolver {
  constructor(
    private readonly service: DevicesService,
    private readonly screenCodes: ScreenCodesService,
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
      'Pairs a screen with the signed-in account; the screen then connects with the returned deviceToken to receive playCommands. With screenCode (the code a screen in screen mode shows), the screen claims a token of its own with claimScreenCode, which replaces the one returned here. BAD_USER_INPUT for a bad name, or a screenCode that is wrong, expired or already used (one answer for all three); CONFLICT with 50 paired devices already; RATE_LIMITED when pairing too often (each try with a wrong code counts).',
  })
  @Authenticated()
  async pairDevice(
    @Args('name', { description: 'A name for the screen, 1 to 60 characters.' }) name: string,
    @Args('kind', { description: 'What kind of screen it is.', type: () => SeeItTarget })
    kind: SeeItTarget,
    @CurrentViewer() viewer: Viewer,
    @Args('screenCode', {
      description:
        'The code the screen shows (from requestScreenCode), to pair that screen; each code pairs once.',
      nullable: true,
      type: () => String,
    })
    screenCode?: string | null,
  ): Promise<DevicePairingModel> {
    const { device, token } = await this.service.pair(viewer, name, kind, screenCode);
    return { device: DeviceModel.from(device), deviceToken: token };
  }

  @Mutation(() => ScreenCodeModel, {
    description:
      'For a screen that is not paired yet (no sign-in): a code to show, valid 10 minutes, and the secret to claim its token with. RATE_LIMITED when one address asks too often.',
  })
  async requestScreenCode(@Context() context: RequestContext): Promise<ScreenCodeModel> {
    return this.screenCodes.request(context.ip);
  }

  @Mutation(() => DevicePairingModel, {
    description:
      'For the screen that asked for a code (no sign-in): null until an account pairs with the code, then the device and its deviceToken, once. Poll it every 2 seconds. NOT_FOUND for an unknown secret, an expired code, or one already claimed: ask for a new code.',
    nullable: true,
  })
  async claimScreenCode(
    @Args('pairingSecret', { description: 'The pairingSecret requestScreenCode gave.' })
    pairingSecret: string,
  ): Promise<DevicePairingModel | null> {
    const claimed = await this.screenCodes.claim(pairingSecret);
    return claimed && { device: DeviceModel.from(claimed.device), deviceToken: claimed.token };
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
    command: PlayCommandModel,
    _args: unknown,
    context: RequestContext,
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
    command: PlayCommandModel,
    _args: unknown,
    context: RequestContext,
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
