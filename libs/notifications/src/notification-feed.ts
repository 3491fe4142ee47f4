import {
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
  OnModuleInit,
} from '@nestjs/common';
import { RequestLoaders } from '@app/common';
import { BroadcastsService } from '@app/broadcasts';
import { FollowService, RelationshipPolicy } from '@app/graph';
import { AsyncQueue, BusMessage, EventBus, LocalRecipients } from '@app/realtime';
import { NotificationModel } from './models/notification.model';
import { localIds, NOTIFICATIONS_TOPIC } from './notification-message';
import { NotificationsRepository } from './notifications.repository';

/** One notification on its way to its recipient's subscriptions. */
export interface NotificationPush {
  notification: NotificationModel;
  /** The loaders its fields resolve with: the recipient's, over those of the whole message. */
  loaders: RequestLoaders;
}

/** Notifications one catch-up after a bus outage pushes per recipient; the rest are in the list. */
const CATCH_UP_LIMIT = 100;
/** Ids remembered as pushed per recipient; older ones are taken as pushed without a check. */
const MAX_REMEMBERED = 1000;

/** What a local recipient has been pushed since they began listening. */
interface Pushed {
  /** Every id up to this one was pushed, came before they listened, or is too old to catch up. */
  upTo: bigint;
  /** Ids above `upTo` pushed to them, oldest first. */
  ids: Set<string>;
}

/**
 * `notificationAdded` in this process: its subscribers by recipient, fed from the bus. A message
 * costs one lookup per recipient it names and, when any of them is connected here, one query for
 * their rows, however many sockets are open.
 *
 * After a bus outage (of any process's publisher), each local recipient's notifications that
 * were not pushed to them since they began listening are read and pushed: what another process
 * pushed meanwhile does not hide what the failing one dropped.
 */
@Injectable()
export class NotificationFeed implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(NotificationFeed.name);
  private readonly subscribers = new LocalRecipients<NotificationPush>();
  private unsubscribe: () => void = () => undefined;
  private stopRecovering: () => void = () => undefined;
  /** The highest notification id heard of on the bus: where a new listener starts. */
  private heardUpTo = 0n;
  /** By local recipient: what the bus or a catch-up pushed them, so neither pushes it twice. */
  private readonly pushed = new Map<string, Pushed>();

  constructor(
    private readonly bus: EventBus,
    private readonly notifications: NotificationsRepository,
    private readonly policy: RelationshipPolicy,
    private readonly follows: FollowService,
    private readonly broadcasts: BroadcastsService,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.bus.subscribe(NOTIFICATIONS_TOPIC, (message) => {
      this.hear(message);
      void this.deliver(localIds(message, (recipientId) => this.subscribers.has(recipientId)));
    });
    this.stopRecovering = this.bus.onRecover(() => void this.catchUp());
  }

  async onApplicationBootstrap(): Promise<void> {
    const newest = BigInt(await this.notifications.newestId());
    if (newest > this.heardUpTo) this.heardUpTo = newest;
  }

  onModuleDestroy(): void {
    this.unsubscribe();
    this.stopRecovering();
  }

  /** The viewer's new notifications, until the client goes (the queue's cleanup). */
  listen(viewerId: string): AsyncQueue<NotificationPush> {
    let remove: () => void = () => undefined;
    const queue = new AsyncQueue<NotificationPush>(() => {
      remove();
      if (!this.subscribers.has(viewerId)) this.pushed.delete(viewerId);
    });
    if (!this.pushed.has(viewerId))
      this.pushed.set(viewerId, { upTo: this.heardUpTo, ids: new Set() });
    remove = this.subscribers.add(viewerId, (push) => queue.push(push));
    return queue;
  }

  private hear(message: BusMessage): void {
    for (const id of localIds(message, () => true)) {
      if (BigInt(id) > this.heardUpTo) this.heardUpTo = BigInt(id);
    }
  }

  /** Pushes what the local recipients were sent while the bus was down. */
  private async catchUp(): Promise<void> {
    if (this.pushed.size === 0) return;
    const upTo = new Map<string, string>();
    const except: string[] = [];
    for (const [recipientId, pushed] of this.pushed) {
      upTo.set(recipientId, pushed.upTo.toString());
      except.push(...pushed.ids);
    }
    try {
      await this.deliver(await this.notifications.idsAfter(upTo, except, CATCH_UP_LIMIT));
    } catch (error) {
      this.logger.error(`Could not catch up on notifications: ${(error as Error).message}`);
    }
  }

  /** Whether `id` may be pushed to the recipient: each id once; remembers it. */
  private firstPush(recipientId: string, id: string): boolean {
    const pushed = this.pushed.get(recipientId);
    if (!pushed || pushed.ids.has(id)) return false;
    pushed.ids.add(id);
    if (pushed.ids.size > MAX_REMEMBERED) {
      const [oldest] = pushed.ids;
      pushed.ids.delete(oldest);
      if (BigInt(oldest) > pushed.upTo) pushed.upTo = BigInt(oldest);
    }
    return true;
  }

  private async deliver(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    try {
      // Viewer-independent rows (the actor, the post, the broadcast) load once for the whole
      // message: a go-live pushed to many followers here loads its broadcaster once.
      const shared = new RequestLoaders(undefined);
      for (const { notification, follow, banned } of await this.notifications.forDelivery(ids)) {
        if (!this.firstPush(notification.recipientId, notification.id)) continue;
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
