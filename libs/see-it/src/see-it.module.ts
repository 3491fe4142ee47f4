import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BroadcastsModule } from '@app/broadcasts';
import { afterCommit, NodeRegistry } from '@app/common';
import { GraphModule } from '@app/graph';
import { PostEvents, PostsModule } from '@app/posts';
import { BroadcastSeeItResolver, PostSeeItResolver } from './button/see-it.resolver';
import { SeeItSubjectsRepository } from './button/see-it-subjects.repository';
import { SeeItService } from './button/see-it.service';
import { ConversationFeed } from './conversation/conversation-feed';
import { ConversationResolver } from './conversation/conversation.resolver';
import { DeviceEntity } from './devices/device.entity';
import { DevicesResolver, PlayCommandResolver } from './devices/devices.resolver';
import { DevicesRepository } from './devices/devices.repository';
import { DevicesService } from './devices/devices.service';
import { DeviceModel } from './devices/models/device.model';
import { PlayCommands } from './devices/play-commands';
import { ScreenCodesService } from './devices/screen-codes.service';
import { ScreenPairingCodeEntity } from './devices/screen-pairing-code.entity';
import { ScreenPairingCodesRepository } from './devices/screen-pairing-codes.repository';
import { AiringEntity } from './shows/airing.entity';
import { AiringsRepository } from './shows/airings.repository';
import { AiringModel, ShowModel } from './shows/models/show.model';
import { ShowEntity } from './shows/show.entity';
import { ShowsRepository } from './shows/shows.repository';
import { ShowsResolver } from './shows/shows.resolver';
import { ShowsService } from './shows/shows.service';
import { SeeItTapCountEntity } from './taps/see-it-tap-count.entity';
import { SeeItTapEntity } from './taps/see-it-tap.entity';
import { TapsRepository } from './taps/taps.repository';
import { TapsResolver } from './taps/taps.resolver';
import { TapsService } from './taps/taps.service';
import { WatchLaterEntity } from './watch-later/watch-later.entity';
import { WatchLaterEntryModel } from './watch-later/models/watch-later.model';
import { WatchLaterRepository } from './watch-later/watch-later.repository';
import { WatchLaterResolver } from './watch-later/watch-later.resolver';
import { WatchLaterService } from './watch-later/watch-later.service';

/**
 * See it: shows and airings, the button on posts, broadcasts and shows, taps and their stats,
 * watch-later lists, paired screens and their play commands. It builds on posts and broadcasts;
 * neither knows it exists (Post.seeIt and Broadcast.seeIt are resolved here).
 */
@Module({
  imports: [
    GraphModule,
    PostsModule,
    BroadcastsModule,
    TypeOrmModule.forFeature([
      ShowEntity,
      AiringEntity,
      SeeItTapEntity,
      SeeItTapCountEntity,
      WatchLaterEntity,
      DeviceEntity,
      ScreenPairingCodeEntity,
    ]),
  ],
  providers: [
    ShowsRepository,
    SeeItSubjectsRepository,
    AiringsRepository,
    TapsRepository,
    WatchLaterRepository,
    DevicesRepository,
    ScreenPairingCodesRepository,
    ShowsService,
    SeeItService,
    TapsService,
    WatchLaterService,
    DevicesService,
    ScreenCodesService,
    PlayCommands,
    ConversationFeed,
    ShowsResolver,
    PostSeeItResolver,
    BroadcastSeeItResolver,
    TapsResolver,
    WatchLaterResolver,
    DevicesResolver,
    PlayCommandResolver,
    ConversationResolver,
  ],
  exports: [DevicesService],
})
export class SeeItModule implements OnModuleInit {
  constructor(
    private readonly nodes: NodeRegistry,
    private readonly shows: ShowsService,
    private readonly devices: DevicesService,
    private readonly watchLater: WatchLaterService,
    private readonly buttons: SeeItService,
    private readonly conversation: ConversationFeed,
    private readonly postEvents: PostEvents,
  ) {}

  onModuleInit(): void {
    this.nodes.register('Show', async (id, context) => {
      const show = await this.shows.findVisible(context.loaders, id, context.viewer?.id);
      return show && ShowModel.from(show);
    });
    // An airing is seen with its show.
    this.nodes.register('Airing', async (id, context) => {
      const airing = await context.loaders.load(this.shows.airingById, id);
      const show =
        airing &&
        (await this.shows.findVisible(context.loaders, airing.showId, context.viewer?.id));
      return show && AiringModel.from(airing);
    });
    // A watch-later entry is its owner's alone, and shown only while its button is.
    this.nodes.register('WatchLaterEntry', async (id, context) => {
      const row = context.viewer && (await this.watchLater.ownedBy(context.viewer.id, id));
      const seeIt =
        row && (await this.buttons.forSubject(context.loaders, row.subject, context.viewer?.id));
      return row && seeIt && WatchLaterEntryModel.from(row, seeIt);
    });
    // A device is its owner's alone.
    this.nodes.register('Device', async (id, context) => {
      const device = context.viewer && (await this.devices.ownedBy(context.viewer.id, id));
      return device ? DeviceModel.from(device) : undefined;
    });
    // Announced after the commit: a failure there never fails the post.
    this.postEvents.on('created', (manager, { post }) => {
      if (post.hashtags.length > 0) afterCommit(manager, () => this.conversation.announce(post));
      return Promise.resolve();
    });
  }
}
