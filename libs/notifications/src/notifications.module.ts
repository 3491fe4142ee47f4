import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BroadcastEvents, BroadcastsModule } from '@app/broadcasts';
import { NodeRegistry } from '@app/common';
import { GraphEvents, GraphModule } from '@app/graph';
import { PostEvents, PostsModule } from '@app/posts';
import { NotificationEntity, NotificationKind } from './entities/notification.entity';
import { NotificationModel } from './models/notification.model';
import { NotificationFeed } from './notification-feed';
import { postCreatedTargets } from './notification-targets';
import { NotificationsResolver } from './notifications.resolver';
import { NotificationsRepository } from './notifications.repository';
import { NotificationsService } from './notifications.service';
import { WentLiveNotifier } from './went-live-notifier';

@Module({
  imports: [
    GraphModule,
    PostsModule,
    BroadcastsModule,
    TypeOrmModule.forFeature([NotificationEntity]),
  ],
  providers: [
    NotificationsService,
    NotificationsRepository,
    NotificationFeed,
    NotificationsResolver,
    WentLiveNotifier,
  ],
  exports: [NotificationsService],
})
export class NotificationsModule implements OnModuleInit {
  constructor(
    private readonly nodes: NodeRegistry,
    private readonly notifications: NotificationsService,
    private readonly graphEvents: GraphEvents,
    private readonly postEvents: PostEvents,
    private readonly broadcastEvents: BroadcastEvents,
    private readonly wentLive: WentLiveNotifier,
  ) {}

  onModuleInit(): void {
    // Only the recipient sees a notification: the loader is keyed to the viewer.
    this.nodes.register('Notification', async (id, context) => {
      const row = await context.loaders.load(this.notifications.byId, id);
      return row && NotificationModel.from(row);
    });
    this.graphEvents.on('followed', (manager, { followerId, followeeId }) =>
      this.notifications.notifyEach(manager, followerId, {}, [
        { recipientId: followeeId, kind: NotificationKind.FOLLOWED },
      ]),
    );
    this.postEvents.on('created', async (manager, event) =>
      this.notifications.notifyEach(
        manager,
        event.post.authorId,
        { postId: event.post.id },
        await this.notifications.withinMentionLimit(event.post.authorId, postCreatedTargets(event)),
      ),
    );
    this.postEvents.on('liked', (manager, { post, userId }) =>
      this.notifications.notifyEach(manager, userId, { postId: post.id }, [
        { recipientId: post.authorId, kind: NotificationKind.LIKED },
      ]),
    );
    // notifyFollowers is false for a restart within minutes of the last go-live: no storm.
    this.broadcastEvents.on('wentLive', (manager, { broadcast, notifyFollowers }) => {
      if (notifyFollowers) {
        this.wentLive.notifyAfterCommit(manager, broadcast.broadcasterId, broadcast.id);
      }
      return Promise.resolve();
    });
  }
}
