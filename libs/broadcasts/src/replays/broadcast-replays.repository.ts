import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  GenerateSql,
  joinedRowSql,
  Queryable,
  readJoinedRow,
  ResultRow,
  returningRows,
} from '@app/database';
import { visibleToViewerSql } from '@app/graph';
import { COMMENT_COLUMNS, CommentRecord, toCommentEntity } from '../broadcast-comments.repository';
import { BroadcastCommentEntity } from '../entities/broadcast-comment.entity';
import { BroadcastReplayEntity } from '../entities/broadcast-replay.entity';
import { ReplayWindow } from './replay-rules';

interface ReplayRecord {
  broadcast_id: string;
  duration_ms: number;
  available_at: Date;
  deleted_at: Date | null;
  view_count: number;
}

/** Every column of broadcast_replays, as `r`, in ReplayRecord's names. */
const REPLAY_COLUMNS = 'r.broadcast_id, r.duration_ms, r.available_at, r.deleted_at, r.view_count';

function toReplayEntity(row: ReplayRecord): BroadcastReplayEntity {
  return Object.assign(new BroadcastReplayEntity(), {
    broadcastId: row.broadcast_id,
    durationMs: row.duration_ms,
    availableAt: row.available_at,
    deletedAt: row.deleted_at,
    viewCount: row.view_count,
  });
}

/**
 * SQL the broadcasts library lends to other libraries' statements: a LATERAL join of the replay
 * (not deleted) of the broadcast in `broadcastIdSql`, its columns under `prefix` (read back with
 * `replayFromJoinedRow`).
 */
export function replayRowSql(broadcastIdSql: string, prefix: string): string {
  return joinedRowSql(
    REPLAY_COLUMNS,
    prefix,
    'broadcast_replays r',
    `r.broadcast_id = ${broadcastIdSql} AND r.deleted_at IS NULL`,
  );
}

/** The replay `replayRowSql` joined, or undefined when there was none. */
export function replayFromJoinedRow(
  row: ResultRow,
  prefix: string,
): BroadcastReplayEntity | undefined {
  return readJoinedRow(row, REPLAY_COLUMNS, prefix, 'broadcast_id', toReplayEntity);
}

export type ReplayEvent =
  | { kind: 'COMMENT'; offsetMs: number; comment: BroadcastCommentEntity }
  | { kind: 'HEARTS'; offsetMs: number; hearts: number };

/**
 * `broadcast_replays` and `broadcast_replay_views`, and the replay's timeline of events read
 * from `broadcast_comments` and `broadcast_heart_bursts`.
 */
@Injectable()
export class BroadcastReplaysRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The replays (not deleted) of these broadcasts. */
  @GenerateSql({ params: [[['1', '2']]] })
  async findByBroadcasts(broadcastIds: readonly string[]): Promise<BroadcastReplayEntity[]> {
    const rows = await this.db.query<ReplayRecord[]>(
      `SELECT ${REPLAY_COLUMNS} FROM broadcast_replays r
       WHERE r.broadcast_id = ANY($1::bigint[]) AND r.deleted_at IS NULL`,
      [broadcastIds],
    );
    return rows.map(toReplayEntity);
  }

  /** Whether the broadcast has a replay that is not deleted. */
  @GenerateSql({ params: [['1']] })
  async exists(broadcastId: string): Promise<boolean> {
    const rows = await this.db.query<unknown[]>(
      'SELECT 1 FROM broadcast_replays WHERE broadcast_id = $1 AND deleted_at IS NULL',
      [broadcastId],
    );
    return rows.length > 0;
  }

  /** Stores (or restores the duration of) a replay; false when it was deleted: it stays so. */
  @GenerateSql({ params: [['1', 3_600_000]] })
  async store(broadcastId: string, durationMs: number, db: Queryable = this.db): Promise<boolean> {
    const stored = await returningRows<ReplayRecord>(
      db,
      `INSERT INTO broadcast_replays AS r (broadcast_id, duration_ms) VALUES ($1, $2)
       ON CONFLICT (broadcast_id) DO UPDATE
         SET duration_ms = EXCLUDED.duration_ms, available_at = now()
         WHERE r.deleted_at IS NULL
       RETURNING ${REPLAY_COLUMNS}`,
      [broadcastId, durationMs],
    );
    return stored.length > 0;
  }

  /** Marks the replay deleted; false when there was none to delete. */
  @GenerateSql({ params: [['1']] })
  async markDeleted(broadcastId: string, db: Queryable = this.db): Promise<boolean> {
    const deleted = await returningRows<{ broadcast_id: string }>(
      db,
      `UPDATE broadcast_replays SET deleted_at = now()
       WHERE broadcast_id = $1 AND deleted_at IS NULL RETURNING broadcast_id`,
      [broadcastId],
    );
    return deleted.length > 0;
  }

  /**
   * Marks deleted up to `limit` replays available for more than `days` (skipping those another
   * transaction holds); their broadcast ids.
   */
  @GenerateSql({ params: [[30, 100]] })
  async markExpiredDeleted(
    days: number,
    limit: number,
    db: Queryable = this.db,
  ): Promise<string[]> {
    const rows = await returningRows<{ broadcast_id: string }>(
      db,
      `UPDATE broadcast_replays r SET deleted_at = now()
       WHERE r.broadcast_id IN (
         SELECT broadcast_id FROM broadcast_replays
         WHERE deleted_at IS NULL AND available_at < now() - make_interval(days => $1)
         ORDER BY available_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING r.broadcast_id`,
      [days, limit],
    );
    return rows.map((row) => row.broadcast_id);
  }

  /** Counts the viewer once per replay. */
  @GenerateSql({ params: [['1', '2']] })
  async countView(broadcastId: string, userId: string): Promise<void> {
    await this.db.query(
      `WITH seen AS (
         INSERT INTO broadcast_replay_views (broadcast_id, user_id) VALUES ($1, $2)
         ON CONFLICT DO NOTHING RETURNING broadcast_id
       )
       UPDATE broadcast_replays r SET view_count = r.view_count + 1
       FROM seen WHERE r.broadcast_id = seen.broadcast_id`,
      [broadcastId, userId],
    );
  }

  /** The broadcasts of an account that have a replay (not deleted). */
  @GenerateSql({ params: [['1']] })
  async broadcastsWithReplayOf(broadcasterId: string, db: Queryable = this.db): Promise<string[]> {
    const rows = await db.query<{ broadcast_id: string }[]>(
      `SELECT r.broadcast_id FROM broadcast_replays r
       JOIN broadcasts b ON b.id = r.broadcast_id
       WHERE b.broadcaster_id = $1 AND r.deleted_at IS NULL`,
      [broadcasterId],
    );
    return rows.map((row) => row.broadcast_id);
  }

  /**
   * Comments and heart bursts with `fromMs <= offsetMs < toMs`, in offset order (comments before
   * hearts at the same offset), at most `first` plus one to tell truncation. Comments of accounts
   * hidden from the viewer are left out.
   */
  @GenerateSql({ params: [['1', '2', { fromMs: 0, toMs: 60_000, first: 50 }]] })
  async events(
    broadcastId: string,
    viewerId: string | undefined,
    window: ReplayWindow,
  ): Promise<ReplayEvent[]> {
    const rows = await this.db.query<
      (CommentRecord & { kind: 'COMMENT' | 'HEARTS'; hearts: number | null; event_id: string })[]
    >(
      `SELECT * FROM (
         SELECT 'COMMENT' AS kind, c.id AS event_id, NULL::int AS hearts, ${COMMENT_COLUMNS}
         FROM broadcast_comments c
         WHERE c.broadcast_id = $1 AND c.offset_ms >= $2 AND c.offset_ms < $3
           AND ${visibleToViewerSql('c.author_id', '$4')}
         UNION ALL
         SELECT 'HEARTS', h.id, h.hearts, NULL, h.broadcast_id, NULL, NULL, h.offset_ms, NULL
         FROM broadcast_heart_bursts h
         WHERE h.broadcast_id = $1 AND h.offset_ms >= $2 AND h.offset_ms < $3
       ) e
       ORDER BY e.offset_ms, e.kind, e.event_id
       LIMIT $5`,
      [broadcastId, window.fromMs, window.toMs, viewerId ?? null, window.first + 1],
    );
    return rows.map((row): ReplayEvent =>
      row.kind === 'COMMENT'
        ? { kind: 'COMMENT', offsetMs: row.offset_ms, comment: toCommentEntity(row) }
        : { kind: 'HEARTS', offsetMs: row.offset_ms, hearts: row.hearts! },
    );
  }
}
