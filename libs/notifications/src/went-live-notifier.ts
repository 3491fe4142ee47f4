import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { afterCommit } from '@app/common';
import { NotificationsService } from './notifications.service';

/**
 * How long after a go-live commits its WENT_LIVE notifications are written: long enough for the
 * followers' NOW_LIVE cards, which leave at the commit, to go out first (about 0.7 s for 10,000
 * followers here); a notification is for those not watching the timeline, for whom a second
 * makes no difference.
 */
const AFTER_GO_LIVE_MS = 1000;

/**
 * WENT_LIVE notifications, written after the go-live rather than inside its transaction: for a
 * broadcaster with 10,000 followers they are 10,000 rows (about 300 ms of PostgreSQL's time
 * here), which the broadcaster's startBroadcast, and the cards if written at the same moment,
 * would otherwise wait for (docs/performance.md, "Reconnect storm"). A process that shuts down
 * writes what it was waiting to write; one killed in that moment loses those notifications, not
 * the cards, which commit with the go-live.
 */
@Injectable()
export class WentLiveNotifier implements OnModuleDestroy {
  private readonly log = new Logger(WentLiveNotifier.name);
  /** Go-lives waiting for their moment, by timer. */
  private readonly waiting = new Map<NodeJS.Timeout, () => void>();
  private readonly writing = new Set<Promise<void>>();

  constructor(private readonly notifications: NotificationsService) {}

  /** Once the go-live in `manager` commits, notifies the followers who asked, a moment later. */
  notifyAfterCommit(manager: EntityManager, broadcasterId: string, broadcastId: string): void {
    afterCommit(manager, () => {
      const write = () => {
        this.waiting.delete(timer);
        const writing: Promise<void> = this.notifications
          .notifyFollowersWentLive(broadcasterId, broadcastId)
          .catch((error: Error) =>
            this.log.error(`WENT_LIVE for broadcast ${broadcastId}: ${error.message}`, error.stack),
          )
          .finally(() => this.writing.delete(writing));
        this.writing.add(writing);
      };
      const timer = setTimeout(write, AFTER_GO_LIVE_MS);
      this.waiting.set(timer, write);
    });
  }

  /** Resolves once every go-live's notifications so far are written, the waiting ones at once. */
  async settled(): Promise<void> {
    for (const [timer, write] of this.waiting) {
      clearTimeout(timer);
      write();
    }
    await Promise.all(this.writing);
  }

  /** Nothing may outlive the database connection. */
  onModuleDestroy(): Promise<void> {
    return this.settled();
  }
}
