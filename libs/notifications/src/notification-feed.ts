import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { RequestLoaders } from '@app/common';
import { BroadcastsService } from '@app/broadcasts';
import { FollowService, RelationshipPolicy } from '@app/graph';
import { AsyncQueue, BusMessage, EventBus, LocalRecipients } from '@app/realtime';
import { NotificationModel } from './models/notification.model';
import { localIds, NOTIFICATIONS_TOPIC } from './notification-message';
import { NotificationsService } from './notifications.service';

/** One notification on its way to its recipient's subscriptions. */
export interface NotificationPush {
  notification: NotificationModel;
  /** The loaders its fields resolve with: the recipient's, over those of the whole message. */
  loaders: RequestLoaders;
}

/**
 * `notificationAdded` in this process: its subscribers by recipient, fed from the bus. A message
 * costs one lookup per recipient it names and, when any of them is connected here, one query for
 * their rows, however many sockets are open.
 */
@Injectable()
export class NotificationFeed implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(NotificationFeed.name);
  private readonly subscribers = new LocalRecipients<NotificationPush>();
  private unsubscribe: () => void = () => undefined;

  constructor(
    private readonly bus: EventBus,
    private readonly notifications: NotificationsService,
    private readonly policy: RelationshipPolicy,
    private readonly follows: FollowService,
    private readonly broadcasts: BroadcastsService,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.bus.subscribe(NOTIFICATIONS_TOPIC, (message) => {
      void this.deliver(message);
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  /** The viewer's new notifications, until the client goes (the queue's cleanup). */
  listen(viewerId: string): AsyncQueue<NotificationPush> {
    let remove: () => void = () => undefined;
    const queue = new AsyncQueue<NotificationPush>(() => remove());
    remove = this.subscribers.add(viewerId, (push) => queue.push(push));
    return queue;
  }

  private async deliver(message: BusMessage): Promise<void> {
    const ids = localIds(message, (recipientId) => this.subscribers.has(recipientId));
    if (ids.length === 0) return;
    try {
      // Viewer-independent rows (the actor, the post, the broadcast) load once for the whole
      // message: a go-live pushed to many followers here loads its broadcaster once.
      const shared = new RequestLoaders(undefined);
      for (const { notification, follow, banned } of await this.notifications.forDelivery(ids)) {
        const loaders = new RequestLoaders(notification.recipientId, shared);
        // What the post and broadcast fields check, read with the rows rather than once per
        // recipient: no block stands between recipient and actor (forDelivery filters on it), and
        // the actor owns the post or broadcast unless the recipient does (LIKED).
        loaders.prime(this.policy.blocksViewer, notification.actorId, false);
        loaders.prime(this.follows.viewerFollows, notification.actorId, follow);
        if (notification.broadcastId !== null) {
          loaders.prime(this.broadcasts.viewerBanned, notification.broadcastId, banned);
        }
        this.subscribers.deliver(notification.recipientId, {
          notification: NotificationModel.from(notification),
          loaders,
        });
      }
    } catch (error) {
      // The notifications are stored; the recipients see them in the list on their next read.
      this.logger.error(`Could not push notifications: ${(error as Error).message}`);
    }
  }
}
