import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BACKGROUND_SQL, GenerateSql, Queryable, returningRows } from '@app/database';
import { BROADCAST_COLUMNS, BroadcastRecord, toBroadcastEntity } from './broadcasts.repository';
import { BroadcastEntity } from './entities/broadcast.entity';

/** Which presence rows a removal takes: one viewer's, or every expired one. */
export type Leaving = { userId: string } | { expired: true };

/** A join: the broadcast as it is after it, and whether it counted a new viewer. */
export interface Joined {
  broadcast: BroadcastEntity;
  counted: boolean;
}

/**
 * The `broadcast_viewers` table (presence), and broadcasts.viewer_count, which moves in the
 * statement that adds or removes a presence row (+1 only for a new row, -1 only for a deleted
 * one), so it stays exact.
 *
 * Lock order: every statement that changes presence locks the broadcast row first, then the
 * presence rows (ending a broadcast does the same), so none can deadlock another, and a join
 * cannot slip a row into a broadcast that is ending.
 */
@Injectable()
export class BroadcastViewersRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Extends the viewer's presence in a LIVE broadcast to `ttlSeconds` from now, without a
   * broadcast lock; the broadcast when they were counted already, else undefined.
   */
  @GenerateSql({ params: [['1', '2', 60]] })
  async refresh(
    broadcastId: string,
    userId: string,
    ttlSeconds: number,
  ): Promise<BroadcastEntity | undefined> {
    const [row] = await this.db.query<BroadcastRecord[]>(
      `WITH seen AS (
         UPDATE broadcast_viewers v SET expires_at = now() + make_interval(secs => $3)
         FROM broadcasts live
         WHERE v.broadcast_id = $1 AND v.user_id = $2
           AND live.id = v.broadcast_id AND live.status = 'LIVE'
         RETURNING v.broadcast_id
       )
       SELECT ${BROADCAST_COLUMNS} FROM broadcasts b JOIN seen ON seen.broadcast_id = b.id`,
      [broadcastId, userId, ttlSeconds],
    );
    return row ? toBroadcastEntity(row) : undefined;
  }

  /**
   * Counts the viewer in a LIVE broadcast for `ttlSeconds` (once, however often they join);
   * undefined when it is not LIVE (any more).
   */
  @GenerateSql({ params: [['1', '2', 60]] })
  async join(broadcastId: string, userId: string, ttlSeconds: number): Promise<Joined | undefined> {
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
         RETURNING ${BROADCAST_COLUMNS}
       )
       SELECT *, true AS counted FROM counted
       UNION ALL
       SELECT ${BROADCAST_COLUMNS}, false FROM broadcasts b
       WHERE b.id = $1 AND EXISTS (SELECT 1 FROM seen WHERE NOT inserted)`,
      [broadcastId, userId, ttlSeconds],
    );
    return row && { broadcast: toBroadcastEntity(row), counted: row.counted };
  }

  /** Deletes presence rows and takes them off the count; the broadcast when the count moved. */
  @GenerateSql({
    params: [
      ['1', { userId: '2' }],
      ['1', { expired: true }],
    ],
  })
  async remove(
    broadcastId: string,
    leaving: Leaving,
    db: Queryable = this.db,
  ): Promise<BroadcastEntity | undefined> {
    const [which, params] =
      'userId' in leaving
        ? ['v.user_id = $2', [broadcastId, leaving.userId]]
        : ['v.expires_at < now()', [broadcastId]];
    const [row] = await returningRows<BroadcastRecord>(
      db,
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
       RETURNING ${BROADCAST_COLUMNS}`,
      params,
    );
    return row ? toBroadcastEntity(row) : undefined;
  }

  /** Ending a broadcast: nobody watches it any more (its count is reset with the end). */
  @GenerateSql({ params: [['1']] })
  async removeAll(broadcastId: string, db: Queryable = this.db): Promise<void> {
    await db.query('DELETE FROM broadcast_viewers WHERE broadcast_id = $1', [broadcastId]);
  }

  /** The broadcasts with viewers whose last join is older than the presence TTL. */
  @GenerateSql({ params: [[]] })
  async withExpired(): Promise<string[]> {
    const rows = await this.db.query<{ broadcast_id: string }[]>(
      `${BACKGROUND_SQL}SELECT DISTINCT broadcast_id FROM broadcast_viewers WHERE expires_at < now()`,
    );
    return rows.map((row) => row.broadcast_id);
  }

  /**
   * Before an account is deleted: takes its presence off the counts of the broadcasts it
   * watches, broadcast rows first, in id order, then presence: the order every change locks in.
   */
  @GenerateSql({ params: [['2']] })
  async forgetViewer(userId: string, db: Queryable = this.db): Promise<void> {
    await db.query(
      `WITH locked AS (
         SELECT b.id FROM broadcasts b
         WHERE b.id IN (SELECT broadcast_id FROM broadcast_viewers WHERE user_id = $1)
         ORDER BY b.id FOR NO KEY UPDATE
       ), gone AS (
         DELETE FROM broadcast_viewers v USING locked
         WHERE v.broadcast_id = locked.id AND v.user_id = $1 RETURNING v.broadcast_id
       )
       UPDATE broadcasts b SET viewer_count = b.viewer_count - 1
       FROM gone WHERE b.id = gone.broadcast_id AND b.status = 'LIVE'`,
      [userId],
    );
  }
}
