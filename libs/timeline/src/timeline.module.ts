import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountEvents } from '@app/accounts';
import {
  BroadcastEvents,
  BroadcastsModule,
  BroadcastsRepository,
  BroadcastsService,
  ReplaysService,
} from '@app/broadcasts';
import { FollowService, GraphEvents, GraphModule } from '@app/graph';
import { PostEvents, PostsModule, PostsRepository, PostsService } from '@app/posts';
import { PullAuthorEntity, PulledItemEntity } from './entities/pulled-item.entity';
import { TimelineEntryEntity } from './entities/timeline-entry.entity';
import {
  TimelineUpdateEntity,
  TimelineUpdateHorizonEntity,
} from './entities/timeline-update.entity';
import { broadcastTimelineSource } from './broadcast-timeline-source';
import { TimelineDoorbellListener } from './live/timeline-doorbell-listener';
import { TimelineItemDelivery } from './live/timeline-item-delivery';
import { TimelineLive } from './live/timeline-live';
import { TimelineLogReader } from './live/timeline-log-reader';
import { TimelineOpens } from './live/timeline-opens';
import { TimelineSinks } from './live/timeline-sinks';
import { TimelineUpdatePurge } from './live/timeline-update-purge';
import { postTimelineSource } from './post-timeline-source';
import { TimelineFanout } from './timeline-fanout';
import { TimelineProjector } from './timeline-projector';
import { TimelineSources } from './timeline-sources';
import { TimelineEntriesRepository } from './timeline-entries.repository';
import { TimelineUpdates } from './timeline-updates';
import { TimelineUpdatesRepository } from './timeline-updates.repository';
import { TimelineUpdatesResolver } from './timeline-updates.resolver';
import { TimelineResolver } from './timeline.resolver';
import { TimelineService } from './timeline.service';

@Module({
  imports: [
    GraphModule,
    PostsModule,
    BroadcastsModule,
    TypeOrmModule.forFeature([
      TimelineEntryEntity,
      PulledItemEntity,
      PullAuthorEntity,
      TimelineUpdateEntity,
      TimelineUpdateHorizonEntity,
    ]),
  ],
  providers: [
    TimelineEntriesRepository,
    TimelineUpdatesRepository,
    TimelineSources,
    TimelineFanout,
    TimelineUpdates,
    TimelineProjector,
    TimelineService,
    TimelineSinks,
    TimelineItemDelivery,
    TimelineLogReader,
    TimelineOpens,
    TimelineDoorbellListener,
    TimelineUpdatePurge,
    TimelineLive,
    TimelineResolver,
    TimelineUpdatesResolver,
  ],
  exports: [TimelineSources, TimelineProjector, TimelineService, TimelineLive, TimelineUpdatePurge],
})
export class TimelineModule implements OnModuleInit {
  constructor(
    private readonly sources: TimelineSources,
    private readonly projector: TimelineProjector,
    private readonly posts: PostsService,
    private readonly postsTable: PostsRepository,
    private readonly postEvents: PostEvents,
    private readonly graphEvents: GraphEvents,
    private readonly accountEvents: AccountEvents,
    private readonly broadcasts: BroadcastsService,
    private readonly broadcastsTable: BroadcastsRepository,
    private readonly broadcastEvents: BroadcastEvents,
    private readonly replays: ReplaysService,
    private readonly follows: FollowService,
  ) {}

  onModuleInit(): void {
    this.sources.register(postTimelineSource(this.posts, this.postsTable));
    this.sources.register(
      broadcastTimelineSource(this.broadcasts, this.broadcastsTable, this.replays, this.follows),
    );
    this.projector.subscribe(
      this.postEvents,
      this.graphEvents,
      this.accountEvents,
      this.broadcastEvents,
    );
  }
}
