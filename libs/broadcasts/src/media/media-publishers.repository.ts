import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BACKGROUND_SQL, GenerateSql, Queryable, returningRows } from '@app/database';

/** A broadcast whose grace after publish-done has run out. */
export interface DueEnd {
  broadcastId: string;
  streamKey: string;
  /** A publisher came back meanwhile: the end is off. */
  publishing: boolean;
}

/**
 * `media_publishers` (the RTMP connections publishing each broadcast) and `media_pending_ends`
 * (broadcasts to end once the grace after their last publisher left runs out).
 */
@Injectable()
export class MediaPublishersRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Serializes the changes to one broadcast's publishers, across processes. */
  @GenerateSql({ params: [['1']] })
  async lock(broadcastId: string, db: Queryable = this.db): Promise<void> {
    await db.query(`SELECT pg_advisory_xact_lock(hashtextextended('media_publishers:' || $1, 0))`, [
      broadcastId,
    ]);
  }

  @GenerateSql({ params: [['1', '10.0.0.5#17']] })
  async add(broadcastId: string, publisher: string, db: Queryable = this.db): Promise<void> {
    await db.query(
      `INSERT INTO media_publishers (broadcast_id, publisher) VALUES ($1, $2)
       ON CONFLICT DO NOTHING`,
      [broadcastId, publisher],
    );
  }

  @GenerateSql({ params: [['1', '10.0.0.5#17']] })
  async remove(broadcastId: string, publisher: string, db: Queryable = this.db): Promise<void> {
    await db.query('DELETE FROM media_publishers WHERE broadcast_id = $1 AND publisher = $2', [
      broadcastId,
      publisher,
    ]);
  }

  @GenerateSql({ params: [['1']] })
  async removeAll(broadcastId: string): Promise<void> {
    await this.db.query('DELETE FROM media_publishers WHERE broadcast_id = $1', [broadcastId]);
  }

  /** Whether any publisher is on the broadcast. */
  @GenerateSql({ params: [['1']] })
  async anyPublishing(broadcastId: string, db: Queryable = this.db): Promise<boolean> {
    const [row] = await db.query<{ any: boolean }[]>(
      'SELECT EXISTS (SELECT 1 FROM media_publishers WHERE broadcast_id = $1) AS any',
      [broadcastId],
    );
    return row.any;
  }

  /** Schedules the end `graceSeconds` from now; a pending end restarts its wait. */
  @GenerateSql({ params: [['1', 10]] })
  async scheduleEnd(
    broadcastId: string,
    graceSeconds: number,
    db: Queryable = this.db,
  ): Promise<void> {
    await db.query(
      `INSERT INTO media_pending_ends (broadcast_id, due_at)
       VALUES ($1, now() + make_interval(secs => $2))
       ON CONFLICT (broadcast_id) DO UPDATE SET due_at = EXCLUDED.due_at`,
      [broadcastId, graceSeconds],
    );
  }

  /** Drops the broadcast's pending end, if any. */
  @GenerateSql({ params: [['1']] })
  async dropPendingEnd(broadcastId: string, db: Queryable = this.db): Promise<void> {
    await db.query('DELETE FROM media_pending_ends WHERE broadcast_id = $1', [broadcastId]);
  }

  /** Cancels the pending end of the stream key's broadcast; its id when there was one. */
  @GenerateSql({ params: [['kT3vX9qLmN2pR7sW4yZ8aB1cD5eF6gH0']] })
  async cancelPendingEndByKey(streamKey: string): Promise<string | undefined> {
    const rows = await returningRows<{ broadcast_id: string }>(
      this.db.manager,
      `DELETE FROM media_pending_ends p USING broadcasts b
       WHERE b.id = p.broadcast_id AND b.stream_key = $1 RETURNING p.broadcast_id`,
      [streamKey],
    );
    return rows[0]?.broadcast_id;
  }

  /** One cheap statement when nothing is due, which is nearly always. */
  @GenerateSql({ params: [[]] })
  async anyEndDue(): Promise<boolean> {
    const [row] = await this.db.query<{ due: boolean }[]>(
      `${BACKGROUND_SQL}SELECT EXISTS (SELECT 1 FROM media_pending_ends WHERE due_at <= now()) AS due`,
    );
    return row.due;
  }

  /**
   * Claims the end due first, holding its row until the transaction of `db` ends (rows other
   * processes hold are skipped).
   */
  @GenerateSql({ params: [[]] })
  async claimDueEnd(db: Queryable = this.db): Promise<DueEnd | undefined> {
    const [row] = await db.query<
      { broadcast_id: string; stream_key: string; publishing: boolean }[]
    >(
      `SELECT p.broadcast_id, b.stream_key,
              EXISTS (SELECT 1 FROM media_publishers m WHERE m.broadcast_id = p.broadcast_id)
                AS publishing
       FROM media_pending_ends p
       JOIN broadcasts b ON b.id = p.broadcast_id
       WHERE p.due_at <= now()
       ORDER BY p.due_at LIMIT 1 FOR UPDATE OF p SKIP LOCKED`,
    );
    return (
      row && {
        broadcastId: row.broadcast_id,
        streamKey: row.stream_key,
        publishing: row.publishing,
      }
    );
  }

  /** Makes a pending end due again `seconds` from now. */
  @GenerateSql({ params: [['1', 60]] })
  async postponeEnd(broadcastId: string, seconds: number, db: Queryable = this.db): Promise<void> {
    await db.query(
      `UPDATE media_pending_ends SET due_at = now() + make_interval(secs => $2)
       WHERE broadcast_id = $1`,
      [broadcastId, seconds],
    );
  }
}
