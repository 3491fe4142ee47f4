import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import {
  ConnectionArgs,
  defineLoader,
  encodeCursor,
  keysetCondition,
  NotFoundError,
  pageSize,
  Viewer,
} from '@app/common';
import { returningRows } from '@app/database';
import { SeeItSubjectRef } from '../button/models/see-it.model';

export interface WatchLaterRow {
  id: string;
  subject: SeeItSubjectRef;
  savedAt: Date;
  cursor: string;
}

interface WatchLaterRecord {
  id: string;
  show_id: string | null;
  broadcast_id: string | null;
  saved_at: Date;
}

function toWatchLaterRow(row: WatchLaterRecord): WatchLaterRow {
  return {
    id: row.id,
    subject: row.show_id ? { showId: row.show_id } : { broadcastId: row.broadcast_id! },
    savedAt: row.saved_at,
    cursor: encodeCursor([row.id]),
  };
}

/** The key savedByViewer loads by: "show:<id>" or "broadcast:<id>". */
export function subjectKey(subject: SeeItSubjectRef): string {
  return 'showId' in subject ? `show:${subject.showId}` : `broadcast:${subject.broadcastId}`;
}

/** Each account's watch-later list: saved by LATER taps (see TapsService), read and pruned here. */
@Injectable()
export class WatchLaterService {
  /** For a viewer: which of these subjects (by subjectKey) they saved. */
  readonly saved = defineLoader<string, boolean>('watchLaterSaved', async (keys, viewerId) => {
    if (!viewerId) return keys.map(() => false);
    const ids = (kind: string) =>
      keys.filter((key) => key.startsWith(`${kind}:`)).map((key) => key.slice(kind.length + 1));
    const rows = await this.db.query<{ show_id: string | null; broadcast_id: string | null }[]>(
      `SELECT show_id, broadcast_id FROM watch_later
       WHERE user_id = $1 AND (show_id = ANY($2::bigint[]) OR broadcast_id = ANY($3::bigint[]))`,
      [viewerId, ids('show'), ids('broadcast')],
    );
    const saved = new Set(
      rows.map((row) =>
        subjectKey(row.show_id ? { showId: row.show_id } : { broadcastId: row.broadcast_id! }),
      ),
    );
    return keys.map((key) => saved.has(key));
  });

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Idempotent: saving what is already saved keeps the one entry and its date. */
  async save(manager: EntityManager, userId: string, subject: SeeItSubjectRef): Promise<void> {
    await manager.query(
      `INSERT INTO watch_later (user_id, show_id, broadcast_id) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING`,
      [
        userId,
        'showId' in subject ? subject.showId : null,
        'broadcastId' in subject ? subject.broadcastId : null,
      ],
    );
  }

  /** The viewer's entries, newest first (keyset on id). */
  async list(viewerId: string, args: ConnectionArgs): Promise<WatchLaterRow[]> {
    const params: unknown[] = [viewerId, pageSize(args) + 1];
    const after = keysetCondition(args.after, [{ sql: 'id', part: 'int' }], 'DESC', params);
    const rows = await this.db.query<WatchLaterRecord[]>(
      `SELECT id, show_id, broadcast_id, saved_at FROM watch_later
       WHERE user_id = $1 ${after && `AND ${after}`} ORDER BY id DESC LIMIT $2`,
      params,
    );
    return rows.map(toWatchLaterRow);
  }

  /** One of the viewer's own entries; another account's is undefined, as if it did not exist. */
  async ownedBy(viewerId: string, id: string): Promise<WatchLaterRow | undefined> {
    const [row] = await this.db.query<WatchLaterRecord[]>(
      'SELECT id, show_id, broadcast_id, saved_at FROM watch_later WHERE id = $1 AND user_id = $2',
      [id, viewerId],
    );
    return row && toWatchLaterRow(row);
  }

  /** Only the viewer's own entries; anything else is NOT_FOUND. */
  async remove(viewer: Viewer, id: string): Promise<void> {
    const deleted = await returningRows(
      this.db.manager,
      'DELETE FROM watch_later WHERE id = $1 AND user_id = $2 RETURNING 1',
      [id, viewer.id],
    );
    if (deleted.length === 0) throw new NotFoundError('The watch-later entry');
  }
}
