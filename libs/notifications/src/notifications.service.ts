import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import {
  afterCommit,
  byKeys,
  ConnectionArgs,
  ConnectionShape,
  defineLoader,
  RateLimits,
} from '@app/common';
import { violatedConstraint } from '@app/database';
import { EventBus } from '@app/realtime';
import { NotificationEntity, NotificationKind } from './entities/notification.entity';
import { NOTIFICATIONS_TOPIC, toMessage } from './notification-message';
import { NotificationTarget } from './notification-targets';
import {
  CreatedNotification,
  NotificationSubject,
  NotificationsRepository,
} from './notifications.repository';

/** The foreign keys a WENT_LIVE row violates once its broadcast or broadcaster is gone. */
const GONE_SINCE_GOING_LIVE = ['notifications_broadcast_fk', 'notifications_actor_fk'];

/**
 * Notifications: written by the event listeners inside the transaction of the act itself (so a
 * rolled-back like notifies nobody), announced on the bus once it commits, and read by their
 * recipient. WENT_LIVE alone is written after its go-live commits (WentLiveNotifier).
 */
@Injectable()
export class NotificationsService {
  /** The viewer's own notifications by id; anyone else's are undefined. */
  readonly byId = defineLoader<string, NotificationEntity | undefined>(
    'notificationsById',
    async (ids, viewerId) => {
      if (!viewerId) return ids.map(() => undefined);
      return byKeys(
        ids,
        await this.notifications.findOwn(ids, viewerId),
        (row) => row.id,
        (row) => row,
        undefined,
      );
    },
  );

  constructor(
    private readonly notifications: NotificationsRepository,
    private readonly bus: EventBus,
    private readonly limits: RateLimits,
  ) {}

  /**
   * Drops the MENTIONED targets over the `mentions` limit of (author, mentioned account): a run of
   * posts naming one account notifies it a few times, not once per post. The posts still go out.
   */
  async withinMentionLimit(
    authorId: string,
    targets: NotificationTarget[],
  ): Promise<NotificationTarget[]> {
    const kept = await Promise.all(
      targets.map(async (target) =>
        target.kind !== NotificationKind.MENTIONED || target.recipientId === authorId
          ? true
          : this.limits.allow('mentions', `${authorId}:${target.recipientId}`),
      ),
    );
    return targets.filter((_target, i) => kept[i]);
  }

  /** Explicit recipients, each with its kind, in one statement. */
  async notifyEach(
    manager: EntityManager,
    actorId: string,
    subject: NotificationSubject,
    targets: NotificationTarget[],
  ): Promise<void> {
    if (targets.length === 0) return;
    this.announce(
      manager,
      await this.notifications.insertForTargets(actorId, subject, targets, manager),
    );
  }

  /**
   * WENT_LIVE to every follower who asked for it, as one INSERT … SELECT however many there are,
   * committed on its own (see WentLiveNotifier) and announced at once. Only followers, so a
   * FOLLOWERS-only broadcast reaches nobody who cannot see it.
   */
  async notifyFollowersWentLive(broadcasterId: string, broadcastId: string): Promise<void> {
    let rows: CreatedNotification[];
    try {
      rows = await this.notifications.insertWentLiveForFollowers(broadcasterId, broadcastId);
    } catch (error) {
      // The broadcast or its broadcaster was deleted since it went live: nothing to announce.
      if (GONE_SINCE_GOING_LIVE.includes(violatedConstraint(error) ?? '')) return;
      throw error;
    }
    await this.publish(rows);
  }

  /** The viewer's notifications, newest first. */
  list(viewerId: string, args: ConnectionArgs): Promise<ConnectionShape<NotificationEntity>> {
    return this.notifications.page(viewerId, args);
  }

  /**
   * Marks the viewer's unread notifications read, up to `upTo` or all; returns how many changed.
   * An id that is not theirs only bounds the range: their own rows are the only ones touched.
   */
  markRead(viewerId: string, upTo: string | undefined): Promise<number> {
    return this.notifications.markRead(viewerId, upTo);
  }

  /** After the transaction commits, one bus message lists the new rows for every process. */
  private announce(manager: EntityManager, rows: CreatedNotification[]): void {
    if (rows.length > 0) afterCommit(manager, () => this.publish(rows));
  }

  private async publish(rows: CreatedNotification[]): Promise<void> {
    if (rows.length > 0) await this.bus.publish(NOTIFICATIONS_TOPIC, toMessage(rows));
  }
}
