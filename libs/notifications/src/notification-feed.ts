import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { RequestLoaders } from '@app/common';
import { RelationshipPolicy } from '@app/graph';
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
      for (const row of await this.notifications.forDelivery(ids)) {
        const loaders = new RequestLoaders(row.recipientId, shared);
        // forDelivery checked that no block stands between recipient and actor, and the actor
        // owns whatever the notification is about (or the recipient does): no query per push.
        loaders.prime(this.policy.blocksViewer, row.actorId, false);
        this.subscribers.deliver(row.recipientId, {
          notification: NotificationModel.from(row),
          loaders,
        });
      }
    } catch (error) {
      // The notifications are stored; the recipients see them in the list on their next read.
      this.logger.error(`Could not push notifications: ${(error as Error).message}`);
    }
  }
}
