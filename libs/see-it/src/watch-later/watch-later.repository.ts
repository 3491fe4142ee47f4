import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConnectionArgs, ConnectionShape, encodeCursor, keysetPage } from '@app/common';
import { GenerateSql, Queryable, returningRows } from '@app/database';
import { SeeItSubjectRef } from '../button/models/see-it.model';

/** One saved show or broadcast. */
export interface WatchLaterItem {
  id: string;
  subject: SeeItSubjectRef;
  savedAt: Date;
}

interface WatchLaterRecord {
  id: string;
  show_id: string | null;
  broadcast_id: string | null;
  saved_at: Date;
}

const WATCH_LATER_COLUMNS = 'w.id, w.show_id, w.broadcast_id, w.saved_at';

function toSubject(row: Pick<WatchLaterRecord, 'show_id' | 'broadcast_id'>): SeeItSubjectRef {
  return row.show_id ? { showId: row.show_id } : { broadcastId: row.broadcast_id! };
}

function toWatchLaterItem(row: WatchLaterRecord): WatchLaterItem {
  return { id: row.id, subject: toSubject(row), savedAt: row.saved_at };
}

/** Whether the account `userSql` saved the show `showIdSql` or the broadcast `broadcastIdSql`. */
export function savedSql(userSql: string, showIdSql: string, broadcastIdSql: string): string {
  return `EXISTS (SELECT 1 FROM watch_later w WHERE w.user_id = ${userSql}
    AND (w.show_id = ${showIdSql} OR w.broadcast_id = ${broadcastIdSql}))`;
}

/** The `watch_later` table: each account's saved shows and broadcasts. */
@Injectable()
export class WatchLaterRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Idempotent: saving what is already saved keeps the one entry and its date. */
  @GenerateSql({
    params: [
      ['2', { showId: '1' }],
      ['2', { broadcastId: '3' }],
    ],
  })
  async save(userId: string, subject: SeeItSubjectRef, db: Queryable = this.db): Promise<void> {
    await db.query(
      `INSERT INTO watch_later (user_id, show_id, broadcast_id) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING`,
      [
        userId,
        'showId' in subject ? subject.showId : null,
        'broadcastId' in subject ? subject.broadcastId : null,
      ],
    );
  }

  /** The account's entries, newest first (keyset on id). */
  @GenerateSql({
    params: [
      ['2', { first: 20 }],
      ['2', { first: 20, after: encodeCursor(['9']) }],
    ],
  })
  page(userId: string, args: ConnectionArgs): Promise<ConnectionShape<WatchLaterItem>> {
    return keysetPage(
      args,
      {
        columns: [{ sql: 'w.id', part: 'int' }],
        direction: 'DESC',
        keyOf: (item: WatchLaterItem) => [item.id],
      },
      [userId],
      async ({ andAfter, limit, params }) => {
        params.push(limit);
        const rows = await this.db.query<WatchLaterRecord[]>(
          `SELECT ${WATCH_LATER_COLUMNS} FROM watch_later w
           WHERE w.user_id = $1 ${andAfter} ORDER BY w.id DESC LIMIT $${params.length}`,
          params,
        );
        return rows.map(toWatchLaterItem);
      },
    );
  }

  /** One of the account's own entries; another account's is undefined. */
  @GenerateSql({ params: [['2', '1']] })
  async findOwned(userId: string, id: string): Promise<WatchLaterItem | undefined> {
    const [row] = await this.db.query<WatchLaterRecord[]>(
      `SELECT ${WATCH_LATER_COLUMNS} FROM watch_later w WHERE w.id = $1 AND w.user_id = $2`,
      [id, userId],
    );
    return row && toWatchLaterItem(row);
  }

  /** Deletes one of the account's own entries; false when it has no such entry. */
  @GenerateSql({ params: [['2', '1']] })
  async deleteOwned(userId: string, id: string): Promise<boolean> {
    const deleted = await returningRows(
      this.db.manager,
      'DELETE FROM watch_later WHERE id = $1 AND user_id = $2 RETURNING 1',
      [id, userId],
    );
    return deleted.length > 0;
  }
}
