import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountEvents } from '@app/accounts';
import { GraphEvents, GraphModule } from '@app/graph';
import { PostEvents, PostsModule, PostsService, PostModel } from '@app/posts';
import { PullAuthorEntity, PulledItemEntity } from './entities/pulled-item.entity';
import { TimelineEntryEntity, TimelineItemKind } from './entities/timeline-entry.entity';
import { TimelineFanout } from './timeline-fanout';
import { TimelineSources } from './timeline-sources';
import { TimelineResolver } from './timeline.resolver';
import { TimelineService } from './timeline.service';
import { postTimelineSource } from './post-timeline-source';

@Module({
  imports: [
    GraphModule,
    PostsModule,
    TypeOrmModule.forFeature([TimelineEntryEntity, PulledItemEntity, PullAuthorEntity]),
  ],
  providers: [TimelineSources, TimelineFanout, TimelineService, TimelineResolver],
  exports: [TimelineSources, TimelineFanout, TimelineService],
})
export class TimelineModule implements OnModuleInit {
  constructor(
    private readonly sources: TimelineSources,
    private readonly fanout: TimelineFanout,
    private readonly posts: PostsService,
    private readonly postEvents: PostEvents,
    private readonly graphEvents: GraphEvents,
    private readonly accountEvents: AccountEvents,
  ) {}

  onModuleInit(): void {
    this.sources.register(postTimelineSource(this.posts, (post) => PostModel.from(post)));
    this.postEvents.on('created', async (manager, { post, replyToAuthorId }) => {
      await this.fanout.add(
        manager,
        {
          kind: TimelineItemKind.POST,
          itemId: post.id,
          authorId: post.authorId,
          sortAt: post.createdAt,
        },
        { onlyFollowersOf: replyToAuthorId },
      );
    });
    this.postEvents.on('deleted', (manager, { post }) => this.fanout.remove(manager, post.id));
    this.graphEvents.on('followed', (manager, { followerId, followeeId }) =>
      this.fanout.backfill(manager, followerId, followeeId),
    );
    this.graphEvents.on('unfollowed', (manager, { followerId, followeeId }) =>
      this.fanout.removeAuthor(manager, followerId, followeeId),
    );
    this.graphEvents.on('blocked', async (manager, { blockerId, blockedId }) => {
      await this.fanout.removeAuthor(manager, blockerId, blockedId);
      await this.fanout.removeAuthor(manager, blockedId, blockerId);
    });
    this.accountEvents.on('deleting', (manager, { userId }) =>
      this.fanout.forgetAccount(manager, userId),
    );
  }
}
