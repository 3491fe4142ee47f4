import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { GenerateSql, Queryable } from '@app/database';

/** SQL the broadcasts library lends: the account in `userExpr` is banned from `broadcastExpr`. */
export function bannedFromBroadcastSql(broadcastExpr: string, userExpr: string): string {
  return `EXISTS (SELECT 1 FROM broadcast_bans bx WHERE bx.broadcast_id = ${broadcastExpr} AND bx.user_id = ${userExpr})`;
}

/** A broadcast where a timeline sorts it: when it went live, else when it was scheduled. */
export interface BroadcastSortKey {
  id: string;
  sortAt: Date;
}

/** The `broadcasts` table, as other libraries reach it. */
@Injectable()
export class BroadcastsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Locks the broadcast against deletion until the transaction ends (FOR KEY SHARE); false when
   * it does not exist.
   */
  @GenerateSql({ params: [['1']] })
  async lockForKeyShare(id: string, db: Queryable = this.db): Promise<boolean> {
    const rows = await db.query<unknown[]>('SELECT 1 FROM broadcasts WHERE id = $1 FOR KEY SHARE', [
      id,
    ]);
    return rows.length > 0;
  }

  /**
   * The broadcaster's broadcasts but canceled ones, newest sort key first, strictly before
   * `before` when given.
   */
  @GenerateSql({
    params: [
      ['1', undefined, 20],
      ['1', { sortAt: '2026-01-01T10:00:00.000Z', itemId: '42' }, 20],
    ],
  })
  async sortKeysOf(
    broadcasterId: string,
    before: { sortAt: string; itemId: string } | undefined,
    limit: number,
    db: Queryable = this.db,
  ): Promise<BroadcastSortKey[]> {
    const params: unknown[] = [broadcasterId, limit];
    const keyset = before
      ? 'AND (COALESCE(started_at, created_at), id) < ($3::timestamptz, $4::bigint)'
      : '';
    if (before) params.push(before.sortAt, before.itemId);
    const rows = await db.query<{ id: string; sort_at: Date }[]>(
      `SELECT id, COALESCE(started_at, created_at) AS sort_at FROM broadcasts
       WHERE broadcaster_id = $1 AND status <> 'CANCELED' ${keyset}
       ORDER BY sort_at DESC, id DESC LIMIT $2`,
      params,
    );
    return rows.map((row) => ({ id: row.id, sortAt: row.sort_at }));
  }
}
