import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { GenerateSql } from '@app/database';
import { offsetFromStartSql } from './broadcast-rules';
import { BROADCAST_COLUMNS, BroadcastRecord, toBroadcastEntity } from './broadcasts.repository';
import { BroadcastEntity } from './entities/broadcast.entity';
import { HeartBatch } from './heart-buffer';

/** A broadcast whose heart_count moved in a flush, as it is now, and by how much. */
export interface CountedHearts {
  broadcast: BroadcastEntity;
  added: number;
}

/** `broadcast_hearts` (per viewer) and `broadcast_heart_bursts` (per flush, for replays). */
@Injectable()
export class BroadcastHeartsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Counts a batch of hearts on the LIVE broadcasts among them, each viewer up to `maxCounted`
   * per broadcast, in one statement: adds what counted to heart_count and keeps it as a burst at
   * its offset from the start.
   */
  @GenerateSql({
    params: [[{ broadcastIds: ['1', '1'], userIds: ['2', '3'], hearts: [5, 1] }, 500]],
  })
  async count(batch: HeartBatch, maxCounted: number): Promise<CountedHearts[]> {
    const rows = await this.db.query<(BroadcastRecord & { added: number })[]>(
      `WITH sent AS (
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::int[]) AS s(broadcast_id, user_id, hearts)
       ), counted AS (
         INSERT INTO broadcast_hearts AS h (broadcast_id, user_id, counted, last_counted)
         SELECT s.broadcast_id, s.user_id, LEAST(s.hearts, $4), LEAST(s.hearts, $4) FROM sent s
         WHERE EXISTS (SELECT 1 FROM broadcasts b WHERE b.id = s.broadcast_id AND b.status = 'LIVE')
         ORDER BY s.broadcast_id, s.user_id
         ON CONFLICT (broadcast_id, user_id) DO UPDATE
           SET counted = LEAST(h.counted + EXCLUDED.counted, $4),
               last_counted = LEAST(h.counted + EXCLUDED.counted, $4) - h.counted
         RETURNING h.broadcast_id, h.last_counted
       ), per_broadcast AS (
         SELECT broadcast_id, sum(last_counted)::int AS added FROM counted
         GROUP BY broadcast_id HAVING sum(last_counted) > 0
       ), updated AS (
         UPDATE broadcasts b SET heart_count = b.heart_count + p.added
         FROM per_broadcast p WHERE b.id = p.broadcast_id
         RETURNING ${BROADCAST_COLUMNS}, p.added
       ), bursts AS (
         INSERT INTO broadcast_heart_bursts (broadcast_id, offset_ms, hearts)
         SELECT u.id, ${offsetFromStartSql('u.started_at')}, u.added FROM updated u
       )
       SELECT * FROM updated`,
      [batch.broadcastIds, batch.userIds, batch.hearts, maxCounted],
    );
    return rows.map((row) => ({ broadcast: toBroadcastEntity(row), added: row.added }));
  }
}
