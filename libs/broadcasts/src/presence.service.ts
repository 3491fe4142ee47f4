import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { afterCommit, NotFoundError, RequestLoaders, Viewer } from '@app/common';
import { BroadcastPublisher } from './broadcast-publisher';
import { requireLive } from './broadcast-rules';
import { BroadcastViewersRepository } from './broadcast-viewers.repository';
import { BroadcastsRepository } from './broadcasts.repository';
import { BroadcastsService } from './broadcasts.service';
import { BroadcastEntity, BroadcastStatus } from './entities/broadcast.entity';
import { ReplaysService } from './replays/replays.service';

/** A viewer stays counted this long after their last join: clients re-join as a heartbeat. */
export const PRESENCE_TTL_SECONDS = 60;
const SWEEP_INTERVAL_MS = 5000;

/**
 * Who is watching a live broadcast: joins (a heartbeat every minute), leaves, revocations and the
 * sweep of expired presence. The count and its lock order are BroadcastViewersRepository's. A
 * heartbeat that only extends an existing row takes no broadcast lock: that is most joins.
 */
@Injectable()
export class PresenceService implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger('PresenceService');
  private sweeper?: NodeJS.Timeout;
  private sweeping = false;

  constructor(
    private readonly viewers: BroadcastViewersRepository,
    private readonly repository: BroadcastsRepository,
    private readonly broadcasts: BroadcastsService,
    private readonly publisher: BroadcastPublisher,
    private readonly replays: ReplaysService,
  ) {}

  onModuleInit(): void {
    this.sweeper = setInterval(() => {
      this.sweep().catch((error: Error) => this.log.error(`Sweep: ${error.message}`, error.stack));
    }, SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  /**
   * Counts the viewer (once, however many tabs) for the next 60 s; joining again extends it.
   * Opening an ENDED broadcast plays its replay instead: a replay view (ReplaysService.watch).
   */
  async join(viewer: Viewer, id: string, loaders: RequestLoaders): Promise<BroadcastEntity> {
    const broadcast = await this.broadcasts.getVisible(loaders, id, viewer.id);
    if (broadcast.status === BroadcastStatus.ENDED) {
      await this.replays.watch(viewer, broadcast);
      return broadcast;
    }
    requireLive(broadcast);
    // The broadcaster watching their own stream is not one of its viewers, as on a replay.
    if (viewer.id === broadcast.broadcasterId) return broadcast;
    const refreshed = await this.viewers.refresh(id, viewer.id, PRESENCE_TTL_SECONDS);
    if (refreshed) return refreshed;
    const joined = await this.viewers.join(id, viewer.id, PRESENCE_TTL_SECONDS);
    // No row: the broadcast ended between the check above and the statement.
    if (!joined) throw new NotFoundError('The live broadcast');
    if (joined.counted) await this.publisher.viewersChanged(joined.broadcast);
    return joined.broadcast;
  }

  /** Uncounts the viewer. Idempotent: leaving a broadcast you are not counted in changes nothing. */
  async leave(viewer: Viewer, id: string, loaders: RequestLoaders): Promise<BroadcastEntity> {
    const broadcast = await this.broadcasts.getVisible(loaders, id, viewer.id);
    return (await this.removeViewer(id, viewer.id)) ?? broadcast;
  }

  /** Uncounts a viewer whatever the broadcast's visibility (their last subscription closed). */
  async removeViewer(broadcastId: string, userId: string): Promise<BroadcastEntity | undefined> {
    const broadcast = await this.viewers.remove(broadcastId, { userId });
    if (broadcast) await this.publisher.viewersChanged(broadcast);
    return broadcast;
  }

  /**
   * The viewer's last subscription to the broadcast in this process closed: uncounted, and when
   * they were counted, the other processes are told, since one may still have theirs.
   */
  async closedHere(broadcastId: string, userId: string): Promise<void> {
    if (await this.removeViewer(broadcastId, userId)) {
      await this.publisher.viewerLeft(broadcastId, userId);
    }
  }

  /**
   * Another process uncounted the viewer (`closedHere`) while they still watch through this one:
   * counted again, as their last join would have kept them.
   */
  async stillWatching(broadcastId: string, userId: string): Promise<void> {
    const joined = await this.viewers.join(broadcastId, userId, PRESENCE_TTL_SECONDS);
    if (joined?.counted) await this.publisher.viewersChanged(joined.broadcast);
  }

  /**
   * In the transaction that takes a viewer's access to a broadcast away (a ban, a block, an
   * unfollow): uncounts them, and once committed ends their subscriptions to it everywhere.
   */
  async revoke(manager: EntityManager, broadcastId: string, userId: string): Promise<void> {
    const uncounted = await this.viewers.remove(broadcastId, { userId }, manager);
    afterCommit(manager, async () => {
      await this.publisher.viewerRemoved(broadcastId, userId);
      if (uncounted) await this.publisher.viewersChanged(uncounted);
    });
  }

  /** `revoke` for the broadcaster's LIVE broadcast, if any (of FOLLOWERS visibility only). */
  async revokeFromLive(
    manager: EntityManager,
    broadcasterId: string,
    userId: string,
    onlyFollowersVisibility: boolean,
  ): Promise<void> {
    const live = await this.repository.liveIdOf(broadcasterId, onlyFollowersVisibility, manager);
    if (live) await this.revoke(manager, live, userId);
  }

  /** Uncounts everyone whose last join is older than the presence TTL. */
  async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      // One broadcast per statement: each locks its broadcast row first, like every other change.
      for (const id of await this.viewers.withExpired()) {
        const broadcast = await this.viewers.remove(id, { expired: true });
        if (broadcast) await this.publisher.viewersChanged(broadcast);
      }
    } finally {
      this.sweeping = false;
    }
  }
}
