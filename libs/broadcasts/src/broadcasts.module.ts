import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountEvents } from '@app/accounts';
import { NodeRegistry } from '@app/common';
import { GraphEvents, GraphModule } from '@app/graph';
import { BroadcastPublisher } from './broadcast-publisher';
import { BroadcastStream } from './broadcast-stream';
import { BroadcastEvents } from './broadcasts.events';
import {
  BroadcastCommentResolver,
  BroadcasterResolver,
  BroadcastsResolver,
} from './broadcasts.resolver';
import { BroadcastsRepository } from './broadcasts.repository';
import { BroadcastsService } from './broadcasts.service';
import { ChatService } from './chat.service';
import { BroadcastBanEntity } from './entities/broadcast-ban.entity';
import { BroadcastCommentEntity } from './entities/broadcast-comment.entity';
import { BroadcastHeartEntity } from './entities/broadcast-heart.entity';
import { BroadcastViewerEntity } from './entities/broadcast-viewer.entity';
import { BroadcastEntity } from './entities/broadcast.entity';
import { BroadcastHeartBurstEntity } from './entities/broadcast-heart-burst.entity';
import { BroadcastReplayEntity } from './entities/broadcast-replay.entity';
import { BroadcastReplayViewEntity } from './entities/broadcast-replay-view.entity';
import { HeartsService } from './hearts.service';
import { BroadcastCommentModel } from './models/broadcast-comment.model';
import { BroadcastModel } from './models/broadcast.model';
import { PresenceService } from './presence.service';
import { ReplaysResolver } from './replays/replays.resolver';
import { ReplaysService } from './replays/replays.service';

@Module({
  imports: [
    GraphModule,
    TypeOrmModule.forFeature([
      BroadcastEntity,
      BroadcastViewerEntity,
      BroadcastHeartEntity,
      BroadcastCommentEntity,
      BroadcastBanEntity,
      BroadcastReplayEntity,
      BroadcastReplayViewEntity,
      BroadcastHeartBurstEntity,
    ]),
  ],
  providers: [
    BroadcastsService,
    BroadcastsRepository,
    BroadcastEvents,
    BroadcastPublisher,
    PresenceService,
    HeartsService,
    ChatService,
    BroadcastStream,
    BroadcastsResolver,
    BroadcastCommentResolver,
    BroadcasterResolver,
    ReplaysService,
    ReplaysResolver,
  ],
  exports: [
    BroadcastsService,
    BroadcastEvents,
    PresenceService,
    ReplaysService,
    BroadcastsRepository,
  ],
})
export class BroadcastsModule implements OnModuleInit {
  constructor(
    private readonly nodes: NodeRegistry,
    private readonly broadcasts: BroadcastsService,
    private readonly presence: PresenceService,
    private readonly replays: ReplaysService,
    private readonly accountEvents: AccountEvents,
    private readonly graphEvents: GraphEvents,
  ) {}

  onModuleInit(): void {
    this.nodes.register('Broadcast', async (id, context) => {
      const broadcast = await context.loaders.load(this.broadcasts.byId, id);
      if (
        !broadcast ||
        !(await this.broadcasts.isVisible(context.loaders, broadcast, context.viewer?.id))
      ) {
        return undefined;
      }
      return BroadcastModel.from(broadcast);
    });
    this.nodes.register('BroadcastComment', async (id, context) => {
      const comment = await context.loaders.load(this.broadcasts.commentById, id);
      if (
        !comment ||
        !(await this.broadcasts.isCommentVisible(context.loaders, comment, context.viewer?.id))
      ) {
        return undefined;
      }
      return BroadcastCommentModel.from(comment);
    });
    // Whoever can no longer see a live broadcast stops watching it now.
    this.graphEvents.on('blocked', (manager, { blockerId, blockedId }) =>
      this.presence.revokeFromLive(manager, blockerId, blockedId, false),
    );
    this.graphEvents.on('unfollowed', (manager, { followerId, followeeId }) =>
      this.presence.revokeFromLive(manager, followeeId, followerId, true),
    );
    this.accountEvents.on('deleting', async (manager, { userId }) => {
      await this.broadcasts.forgetAccount(manager, userId);
      await this.replays.forgetAccount(manager, userId);
    });
  }
}
