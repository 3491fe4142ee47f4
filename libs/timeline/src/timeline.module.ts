import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountEvents } from '@app/accounts';
import { BroadcastEvents, BroadcastsModule, BroadcastsService } from '@app/broadcasts';
import { GraphEvents, GraphModule } from '@app/graph';
import { PostEvents, PostsModule, PostsService } from '@app/posts';
import { PullAuthorEntity, PulledItemEntity } from './entities/pulled-item.entity';
import { TimelineEntryEntity } from './entities/timeline-entry.entity';
import {
  TimelineUpdateEntity,
  TimelineUpdateHorizonEntity,
} from './entities/timeline-update.entity';
import { broadcastTimelineSource } from './broadcast-timeline-source';
import { postTimelineSource } from './post-timeline-source';
import { TimelineFanout } from './timeline-fanout';
import { TimelineLive } from './timeline-live';
import { TimelineProjector } from './timeline-projector';
import { TimelineSources } from './timeline-sources';
import { TimelineUpdates } from './timeline-updates';
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
    TimelineSources,
    TimelineFanout,
    TimelineUpdates,
    TimelineProjector,
    TimelineService,
    TimelineLive,
    TimelineResolver,
    TimelineUpdatesResolver,
  ],
  exports: [TimelineSources, TimelineProjector, TimelineService, TimelineLive],
})
export class TimelineModule implements OnModuleInit {
  constructor(
    private readonly sources: TimelineSources,
    private readonly projector: TimelineProjector,
    private readonly posts: PostsService,
    private readonly postEvents: PostEvents,
    private readonly graphEvents: GraphEvents,
    private readonly accountEvents: AccountEvents,
    private readonly broadcasts: BroadcastsService,
    private readonly broadcastEvents: BroadcastEvents,
  ) {}

  onModuleInit(): void {
    this.sources.register(postTimelineSource(this.posts));
    this.sources.register(broadcastTimelineSource(this.broadcasts));
    this.projector.subscribe(
      this.postEvents,
      this.graphEvents,
      this.accountEvents,
      this.broadcastEvents,
    );
  }
}
