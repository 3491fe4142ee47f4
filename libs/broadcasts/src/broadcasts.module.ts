import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountEvents } from '@app/accounts';
import { NodeRegistry } from '@app/common';
import { GraphEvents, GraphModule } from '@app/graph';
import { BroadcastsAccountDeletion } from './account-deletion';
import { BroadcastBansRepository } from './broadcast-bans.repository';
import { BroadcastCommentResolver } from './broadcast-comment.resolver';
import { BroadcastCommentsRepository } from './broadcast-comments.repository';
import { BroadcastHeartsRepository } from './broadcast-hearts.repository';
import { BroadcastLifecycleResolver } from './broadcast-lifecycle.resolver';
import { BroadcastLifecycleService } from './broadcast-lifecycle.service';
import { BroadcastPublisher } from './broadcast-publisher';
import { BroadcastStream } from './broadcast-stream';
import { BroadcastViewersRepository } from './broadcast-viewers.repository';
import { BroadcasterResolver } from './broadcaster.resolver';
import { BroadcastEvents } from './broadcasts.events';
import { BroadcastsRepository } from './broadcasts.repository';
import { BroadcastsResolver } from './broadcasts.resolver';
import { BroadcastsService } from './broadcasts.service';
import { ChatResolver } from './chat.resolver';
import { ChatService } from './chat.service';
import { BroadcastBanEntity } from './entities/broadcast-ban.entity';
import { BroadcastCommentEntity } from './entities/broadcast-comment.entity';
import { BroadcastHeartEntity } from './entities/broadcast-heart.entity';
import { BroadcastViewerEntity } from './entities/broadcast-viewer.entity';
import { BroadcastEntity } from './entities/broadcast.entity';
import { BroadcastHeartBurstEntity } from './entities/broadcast-heart-burst.entity';
import { BroadcastReplayEntity } from './entities/broadcast-replay.entity';
import { BroadcastReplayViewEntity } from './entities/broadcast-replay-view.entity';
import { HeartsResolver } from './hearts.resolver';
import { HeartsService } from './hearts.service';
import { BroadcastCommentModel } from './models/broadcast-comment.model';
import { BroadcastModel } from './models/broadcast.model';
import { PresenceResolver } from './presence.resolver';
import { PresenceService } from './presence.service';
import { BroadcastReplaysRepository } from './replays/broadcast-replays.repository';
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
    BroadcastsRepository,
    BroadcastBansRepository,
    BroadcastCommentsRepository,
    BroadcastViewersRepository,
    BroadcastHeartsRepository,
    BroadcastReplaysRepository,
    BroadcastsService,
    BroadcastLifecycleService,
    BroadcastEvents,
    BroadcastPublisher,
    PresenceService,
    HeartsService,
    ChatService,
    BroadcastStream,
    BroadcastsAccountDeletion,
    BroadcastsResolver,
    BroadcastLifecycleResolver,
    PresenceResolver,
    HeartsResolver,
    ChatResolver,
    BroadcastCommentResolver,
    BroadcasterResolver,
    ReplaysService,
    ReplaysResolver,
  ],
  exports: [
    BroadcastsRepository,
    BroadcastBansRepository,
    BroadcastsService,
    BroadcastLifecycleService,
    BroadcastEvents,
    PresenceService,
    ReplaysService,
  ],
})
export class BroadcastsModule implements OnModuleInit {
  constructor(
    private readonly nodes: NodeRegistry,
    private readonly broadcasts: BroadcastsService,
    private readonly presence: PresenceService,
    private readonly accountDeletion: BroadcastsAccountDeletion,
    private readonly accountEvents: AccountEvents,
    private readonly graphEvents: GraphEvents,
  ) {}

  onModuleInit(): void {
    this.nodes.register('Broadcast', async (id, context) => {
      const broadcast = await this.broadcasts.findVisible(context.loaders, id, context.viewer?.id);
      return broadcast && BroadcastModel.from(broadcast);
    });
    this.nodes.register('BroadcastComment', async (id, context) => {
      const comment = await this.broadcasts.findVisibleComment(
        context.loaders,
        id,
        context.viewer?.id,
      );
      return comment && BroadcastCommentModel.from(comment);
    });
    // Whoever can no longer see a live broadcast stops watching it now.
    this.graphEvents.on('blocked', (manager, { blockerId, blockedId }) =>
      this.presence.revokeFromLive(manager, blockerId, blockedId, false),
    );
    this.graphEvents.on('unfollowed', (manager, { followerId, followeeId }) =>
      this.presence.revokeFromLive(manager, followeeId, followerId, true),
    );
    this.accountEvents.on('deleting', (manager, { userId }) =>
      this.accountDeletion.forgetAccount(manager, userId),
    );
  }
}
