import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { GenerateSql, Queryable } from '@app/database';
import { SeeItSubjectRef } from '../button/models/see-it.model';
import { SeeItAction } from '../see-it.enums';

/** Counted taps of one show for one action. */
export interface TapCount {
  showId: string;
  action: SeeItAction;
  taps: number;
}

/**
 * The `see_it_taps` log and its `see_it_tap_counts` counters (written by the same transaction,
 * and counting only the taps the rate limit lets count).
 */
@Injectable()
export class TapsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @GenerateSql({
    params: [
      ['2', { showId: '1' }, SeeItAction.TV],
      ['2', { broadcastId: '3' }, SeeItAction.LATER],
    ],
  })
  async insertTap(
    userId: string,
    subject: SeeItSubjectRef,
    action: SeeItAction,
    db: Queryable = this.db,
  ): Promise<void> {
    await db.query(
      'INSERT INTO see_it_taps (user_id, show_id, broadcast_id, action) VALUES ($1, $2, $3, $4)',
      [
        userId,
        'showId' in subject ? subject.showId : null,
        'broadcastId' in subject ? subject.broadcastId : null,
        action,
      ],
    );
  }

  /** Adds one to the counter row `slot` of (show, action). */
  @GenerateSql({ params: [['1', SeeItAction.TV, 3]] })
  async incrementCount(
    showId: string,
    action: SeeItAction,
    slot: number,
    db: Queryable = this.db,
  ): Promise<void> {
    await db.query(
      `INSERT INTO see_it_tap_counts AS c (show_id, action, slot, taps) VALUES ($1, $2, $3, 1)
       ON CONFLICT (show_id, action, slot) DO UPDATE SET taps = c.taps + 1`,
      [showId, action, slot],
    );
  }

  /** The counted taps of these shows, per action tapped at least once. */
  @GenerateSql({ params: [[['1', '2']]] })
  async countsOf(showIds: readonly string[]): Promise<TapCount[]> {
    const rows = await this.db.query<{ show_id: string; action: SeeItAction; taps: string }[]>(
      `SELECT show_id, action, sum(taps) AS taps FROM see_it_tap_counts
       WHERE show_id = ANY($1::bigint[]) GROUP BY show_id, action`,
      [showIds],
    );
    return rows.map((row) => ({ showId: row.show_id, action: row.action, taps: Number(row.taps) }));
  }
}
