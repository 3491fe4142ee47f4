import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { afterCommit, NotFoundError, RequestLoaders, Viewer } from '@app/common';
import { BACKGROUND_SQL, returningRows } from '@app/database';
import { BroadcastPublisher } from './broadcast-publisher';
import { BroadcastRecord, broadcastColumns, toBroadcastEntity } from './broadcast-records';
import { requireLive } from './broadcast-rules';
import { BroadcastsService } from './broadcasts.service';
import { BroadcastEntity, BroadcastStatus } from './entities/broadcast.entity';
import { ReplaysService } from './replays/replays.service';

/** A viewer stays counted this long after their last join: clients re-join as a heartbeat. */
export const PRESENCE_TTL_SECONDS = 60;
const SWEEP_INTERVAL_MS = 5000;

/** Which presence rows a removal takes: one viewer's, or every expired one. */
type Leaving = { userId: string } | { expired: true };

/**
 * Who is watching a live broadcast. broadcasts.viewer_count moves in the statement that adds or
 * removes a presence row (+1 only for a new row, -1 only for a deleted one), so it stays exact.
 *
 * Lock order: every statement that changes presence locks the broadcast row first, then the
 * presence rows (ending a broadcast does the same), so none can deadlock another, and a join
 * cannot slip a row into a broadcast that is ending. A heartbeat that only extends an existing
 * row takes no broadcast lock: that is most joins.
 */
@Injectable()
export class PresenceService implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger('PresenceService');
  private sweeper?: NodeJS.Timeout;
  private sweeping = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
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
    const [refreshed] = await this.db.query<BroadcastRecord[]>(
      `WITH seen AS (
         UPDATE broadcast_viewers v SET expires_at = now() + make_interval(secs => $3)
         FROM broadcasts live
         WHERE v.broadcast_id = $1 AND v.user_id = $2
           AND live.id = v.broadcast_id AND live.status = 'LIVE'
         RETURNING v.broadcast_id
       )
       SELECT ${broadcastColumns()} FROM broadcasts b JOIN seen ON seen.broadcast_id = b.id`,
      [id, viewer.id, PRESENCE_TTL_SECONDS],
    );
    if (refreshed) return toBroadcastEntity(refreshed);
    const [row] = await this.db.query<(BroadcastRecord & { counted: boolean })[]>(
      `WITH live AS (
         SELECT id FROM broadcasts WHERE id = $1 AND status = 'LIVE' FOR NO KEY UPDATE
       ), seen AS (
         INSERT INTO broadcast_viewers (broadcast_id, user_id, expires_at)
         SELECT id, $2, now() + make_interval(secs => $3) FROM live
         ON CONFLICT (broadcast_id, user_id) DO UPDATE SET expires_at = EXCLUDED.expires_at
         RETURNING (xmax = 0) AS inserted
       ), counted AS (
         UPDATE broadcasts b SET viewer_count = b.viewer_count + 1,
                                 peak_viewer_count = GREATEST(b.peak_viewer_count, b.viewer_count + 1)
         FROM seen WHERE b.id = $1 AND seen.inserted
         RETURNING ${broadcastColumns()}
       )
       SELECT *, true AS counted FROM counted
       UNION ALL
       SELECT ${broadcastColumns()}, false FROM broadcasts b
       WHERE b.id = $1 AND EXISTS (SELECT 1 FROM seen WHERE NOT inserted)`,
      [id, viewer.id, PRESENCE_TTL_SECONDS],
    );
    // No row: the broadcast ended between the check above and the statement.
    if (!row) throw new NotFoundError('The live broadcast');
    const joined = toBroadcastEntity(row);
    if (row.counted) await this.publisher.viewersChanged(joined);
    return joined;
  }

  /** Uncounts the viewer. Idempotent: leaving a broadcast you are not counted in changes nothing. */
  async leave(viewer: Viewer, id: string, loaders: RequestLoaders): Promise<BroadcastEntity> {
    const broadcast = await this.broadcasts.getVisible(loaders, id, viewer.id);
    return (await this.removeViewer(id, viewer.id)) ?? broadcast;
  }

  /** Uncounts a viewer whatever the broadcast's visibility (their last subscription closed). */
  async removeViewer(broadcastId: string, userId: string): Promise<BroadcastEntity | undefined> {
    const broadcast = await this.remove(this.db.manager, broadcastId, { userId });
    if (broadcast) await this.publisher.viewersChanged(broadcast);
    return broadcast;
  }

  /**
   * In the transaction that takes a viewer's access to a broadcast away (a ban, a block, an
   * unfollow): uncounts them, and once committed ends their subscriptions to it everywhere.
   */
  async revoke(manager: EntityManager, broadcastId: string, userId: string): Promise<void> {
    const uncounted = await this.remove(manager, broadcastId, { userId });
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
    const [live] = await manager.query<{ id: string }[]>(
      `SELECT id FROM broadcasts WHERE broadcaster_id = $1 AND status = 'LIVE'
         AND (visibility = 'FOLLOWERS' OR NOT $2)`,
      [broadcasterId, onlyFollowersVisibility],
    );
    if (live) await this.revoke(manager, live.id, userId);
  }

  /** Uncounts everyone whose last join is older than the presence TTL. */
  async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const due = await this.db.query<{ broadcast_id: string }[]>(
        `${BACKGROUND_SQL}SELECT DISTINCT broadcast_id FROM broadcast_viewers WHERE expires_at < now()`,
      );
      // One broadcast per statement: each locks its broadcast row first, like every other change.
      for (const { broadcast_id: id } of due) {
        const broadcast = await this.remove(this.db.manager, id, { expired: true });
        if (broadcast) await this.publisher.viewersChanged(broadcast);
      }
    } finally {
      this.sweeping = false;
    }
  }

  /** Deletes presence rows and takes them off the count; the broadcast when the count moved. */
  private async remove(
    manager: EntityManager,
    broadcastId: string,
    leaving: Leaving,
  ): Promise<BroadcastEntity | undefined> {
    const [which, params] =
      'userId' in leaving
        ? ['v.user_id = $2', [broadcastId, leaving.userId]]
        : ['v.expires_at < now()', [broadcastId]];
    const [row] = await returningRows<BroadcastRecord>(
      manager,
      `WITH live AS (
         SELECT b.id FROM broadcasts b
         WHERE b.id = $1
           AND EXISTS (SELECT 1 FROM broadcast_viewers v WHERE v.broadcast_id = $1 AND ${which})
         FOR NO KEY UPDATE
       ), gone AS (
         DELETE FROM broadcast_viewers v USING live
         WHERE v.broadcast_id = live.id AND ${which}
         RETURNING v.user_id
       )
       UPDATE broadcasts b SET viewer_count = b.viewer_count - (SELECT count(*) FROM gone)::int
       WHERE b.id = $1 AND b.status = 'LIVE' AND EXISTS (SELECT 1 FROM gone)
       RETURNING ${broadcastColumns()}`,
      params,
    );
    return row ? toBroadcastEntity(row) : undefined;
  }
}
