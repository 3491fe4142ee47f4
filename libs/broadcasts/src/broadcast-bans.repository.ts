import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { GenerateSql, Queryable } from '@app/database';

/** A ban: `userId` may no longer see, join or comment on `broadcastId`. */
export interface BroadcastBan {
  broadcastId: string;
  userId: string;
}

/**
 * SQL the broadcasts library lends to other queries, so none names its `broadcast_bans` table:
 * true when the account in `userExpr` (a column or a typed parameter) is not banned from the
 * broadcast in `broadcastColumn`.
 */
export function notBannedSql(broadcastColumn: string, userExpr: string): string {
  return `NOT EXISTS (SELECT 1 FROM broadcast_bans bb WHERE bb.broadcast_id = ${broadcastColumn} AND bb.user_id = ${userExpr})`;
}

/** The `broadcast_bans` table. */
@Injectable()
export class BroadcastBansRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The bans among these broadcasts and accounts, for many viewers at once. */
  @GenerateSql({
    params: [
      [
        ['1', '2'],
        ['3', '4'],
      ],
    ],
  })
  async among(
    broadcastIds: readonly string[],
    userIds: readonly string[],
  ): Promise<BroadcastBan[]> {
    const rows = await this.db.query<{ broadcast_id: string; user_id: string }[]>(
      `SELECT broadcast_id, user_id FROM broadcast_bans
       WHERE broadcast_id = ANY($1::bigint[]) AND user_id = ANY($2::bigint[])`,
      [broadcastIds, userIds],
    );
    return rows.map((row) => ({ broadcastId: row.broadcast_id, userId: row.user_id }));
  }

  /** Idempotent. */
  @GenerateSql({ params: [['1', '3']] })
  async ban(broadcastId: string, userId: string, db: Queryable = this.db): Promise<void> {
    await db.query(
      `INSERT INTO broadcast_bans (broadcast_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [broadcastId, userId],
    );
  }
}
