import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { GenerateSql, Queryable } from '@app/database';
import { TimelineItemKind } from './entities/timeline-entry.entity';
import { TimelineUpdateKind } from './entities/timeline-update.entity';
import {
  formatSnapshot,
  LogPlace,
  LogPosition,
  HeadPosition,
  parseSnapshot,
  positionAt,
} from './log-position';
import { TimelineItemRef } from './timeline-sources';

interface LogRecord {
  xid: string;
  id: string;
  owner_id: string | null;
  author_id: string;
  kind: TimelineUpdateKind;
  item_kind: TimelineItemKind;
  item_id: string;
}

const LOG_COLUMNS = 'xid, id, owner_id, author_id, kind, item_kind, item_id';

/** One row of the update log: a change of one home timeline (or, ownerless, of a large account's followers'). */
export interface LogEntry extends LogPlace {
  ownerId: string | null;
  authorId: string;
  kind: TimelineUpdateKind;
  itemKind: TimelineItemKind;
  itemId: string;
}

function toLogEntry(row: LogRecord): LogEntry {
  return {
    xid: BigInt(row.xid),
    id: BigInt(row.id),
    ownerId: row.owner_id,
    authorId: row.author_id,
    kind: row.kind,
    itemKind: row.item_kind,
    itemId: row.item_id,
  };
}

/** Whose rows after which position `countPending` counts: a viewer's own, and its pulled authors'. */
export interface PendingRequest {
  viewerId: string;
  pullAuthors: readonly string[];
  after: LogPosition;
}

/** Where the kept log ends, and up to where it may have been purged. */
export interface LogBounds {
  /** The position of a reader that has seen what this statement sees, at its snapshot. */
  head: HeadPosition;
  purgedThrough: LogPosition;
}

/** A read of the log: its final rows after a position, and where finality ends. */
export interface LogRead {
  rows: LogEntry[];
  /** The oldest running transaction of this database: rows of transactions below it are final. */
  horizon: bigint;
  /** Whether rows for these readers exist at or above the horizon, to read once they are final. */
  pending: boolean;
}

/** One item's log rows, each part an SQL expression of the statement that appends them. */
export interface LogAppend {
  /** A SELECT of the owners whose logs get a row, as `owner_id`. */
  owners: string;
  authorId: string;
  kind: string;
  itemKind: string;
  itemId: string;
  /** True when the author is above the fan-out limit: one ownerless row for their followers. */
  forFollowersOfAuthor: string;
}

/** For a statement that changes timelines: appends the item's rows to the log. */
export function appendLogSql(append: LogAppend): string {
  const item = `${append.authorId}, ${append.kind}, ${append.itemKind}, ${append.itemId}`;
  return `INSERT INTO timeline_updates (owner_id, author_id, kind, item_kind, item_id)
         SELECT owner_id, ${item} FROM (${append.owners}) owners
         UNION ALL
         SELECT NULL, ${item} WHERE ${append.forFollowersOfAuthor}`;
}

/**
 * The log's head (`head`, the statement's snapshot as text, for headPosition) and purge horizon
 * (`purged_xid`, `purged_id`) as a one-row relation. A position made from the head is always past
 * the purge horizon: the purge only deletes rows of ended transactions, below any later snapshot.
 */
export const LOG_BOUNDS_SQL = `SELECT pg_current_snapshot()::text AS head,
         purged_xid::text AS purged_xid, purged_through AS purged_id
  FROM timeline_update_horizon`;

/**
 * The oldest transaction of this database that ran at the statement's snapshot, or the snapshot's
 * xmax: every row below it is final. A transaction of another database on the same server writes
 * no row here, so it holds nothing back; pg_stat_activity says whose each running id is (to every
 * role), and an id that ended since the snapshot, whose database is unknown, counts. A standby's
 * snapshot lists no running ids, so there it is the snapshot's xmin, the server's oldest.
 */
const FINAL_BELOW_SQL = `(SELECT CASE WHEN pg_is_in_recovery()
    THEN pg_snapshot_xmin(pg_current_snapshot())
    ELSE coalesce(min(running.xid), pg_snapshot_xmax(pg_current_snapshot())) END
  FROM pg_snapshot_xip(pg_current_snapshot()) AS running(xid)
  WHERE running.xid::xid NOT IN (SELECT a.backend_xid FROM pg_stat_activity a
    WHERE a.backend_xid IS NOT NULL AND a.datname <> current_database()))`;

/** The position of LOG_BOUNDS_SQL's `head`: everything its statement saw is behind it. */
export function headPosition(head: string): HeadPosition {
  return positionAt(parseSnapshot(head));
}

/**
 * The per-viewer update log (`timeline_updates`) and its purge horizon. Writers take no lock: each
 * row records its writer's transaction id (the column's default), and readers order by it.
 */
@Injectable()
export class TimelineUpdatesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Appends `kind` for the item to each owner's log and, when `forFollowersOfAuthor`, one
   * ownerless row for the followers of an author above the fan-out limit.
   */
  @GenerateSql({
    params: [
      [
        TimelineUpdateKind.ADDED,
        { kind: TimelineItemKind.POST, itemId: '42', authorId: '1' },
        ['1', '2'],
        false,
      ],
      [
        TimelineUpdateKind.NOW_LIVE,
        { kind: TimelineItemKind.BROADCAST, itemId: '43', authorId: '1' },
        ['1'],
        true,
      ],
    ],
  })
  async append(
    kind: TimelineUpdateKind,
    item: Pick<TimelineItemRef, 'kind' | 'itemId' | 'authorId'>,
    owners: readonly string[],
    forFollowersOfAuthor: boolean,
    db: Queryable = this.db,
  ): Promise<void> {
    await db.query(
      appendLogSql({
        owners: 'SELECT o AS owner_id FROM unnest($1::bigint[]) AS o',
        authorId: '$2::bigint',
        kind: '$3::timeline_update_kind',
        itemKind: '$4::timeline_item_kind',
        itemId: '$5::bigint',
        forFollowersOfAuthor: '$6::boolean',
      }),
      [owners, item.authorId, kind, item.kind, item.itemId, forFollowersOfAuthor],
    );
  }

  /** The log's head (this statement's snapshot) and purge horizon. */
  @GenerateSql({ params: [[]] })
  async bounds(db: Queryable = this.db): Promise<LogBounds> {
    const [row] =
      await db.query<{ head: string; purged_xid: string; purged_id: string }[]>(LOG_BOUNDS_SQL);
    return {
      head: headPosition(row.head),
      purgedThrough: { xid: BigInt(row.purged_xid), id: BigInt(row.purged_id), snapshot: null },
    };
  }

  /**
   * For each request, how many rows after its position are its viewer's, counting at most `cap`:
   * one statement for all the subscriptions opened at once.
   */
  @GenerateSql({
    params: [
      [
        [
          { viewerId: '1', pullAuthors: ['2'], after: { xid: 900n, id: 100n, snapshot: null } },
          {
            viewerId: '3',
            pullAuthors: [],
            after: { xid: 900n, id: 0n, snapshot: { xmin: 900n, xmax: 905n, xip: [902n] } },
          },
        ],
        1000,
      ],
    ],
  })
  async countPending(requests: readonly PendingRequest[], cap: number): Promise<number[]> {
    const pulled = requests.flatMap((request, i) => request.pullAuthors.map(() => i));
    // A row counts when it is after the position and, for a position that carries a page's
    // snapshot, not already seen by that snapshot.
    const after = `(u.xid, u.id) > (r.xid, r.after_id)
              AND (r.snap IS NULL OR NOT pg_visible_in_snapshot(u.xid, r.snap))`;
    const rows = await this.db.query<{ i: number; pending: number }[]>(
      `SELECT r.i, LEAST($6::int,
         (SELECT count(*) FROM (
            SELECT 1 FROM timeline_updates u
            WHERE u.owner_id = r.viewer_id AND ${after} LIMIT $6) AS own)
         + (SELECT count(*) FROM (
            SELECT 1 FROM timeline_updates u
            WHERE u.owner_id IS NULL AND ${after}
              AND u.author_id IN (SELECT p.author_id FROM unnest($7::int[], $8::bigint[]) AS p(i, author_id)
                                  WHERE p.i = r.i)
            LIMIT $6) AS pulled))::int AS pending
       FROM unnest($1::int[], $2::bigint[], $3::xid8[], $4::bigint[], $5::pg_snapshot[])
         AS r(i, viewer_id, xid, after_id, snap)`,
      [
        requests.map((_, i) => i),
        requests.map((request) => request.viewerId),
        requests.map((request) => request.after.xid.toString()),
        requests.map((request) => request.after.id.toString()),
        requests.map((request) => request.after.snapshot && formatSnapshot(request.after.snapshot)),
        cap,
        pulled,
        requests.flatMap((request) => request.pullAuthors),
      ],
    );
    const pending = new Array<number>(requests.length).fill(0);
    for (const row of rows) pending[row.i] = row.pending;
    return pending;
  }

  /**
   * The final rows after `from` of these owners' logs and of the ownerless rows of these authors,
   * in (xid, id) order, up to `limit`; with the horizon they were read below and whether rows of
   * theirs wait above it.
   */
  @GenerateSql({ params: [[{ xid: 900n, id: 100n }, ['1', '2'], ['3'], 500]] })
  async readAfter(
    from: LogPlace,
    owners: readonly string[],
    authors: readonly string[],
    limit: number,
  ): Promise<LogRead> {
    // The owners go in once, as a relation: a join the planner sizes without estimating each id
    // (planning a 10,000-element `= ANY` took longer than running the read), answered by the
    // position index for a recent `from` or by the owner index for an old one.
    const horizon = '(SELECT xid FROM horizon)';
    const unread = `(xid, id) > ($1::xid8, $2::bigint) AND xid < ${horizon}`;
    const rows = await this.db.query<
      ({ horizon: string; pending: boolean } & (LogRecord | { [K in keyof LogRecord]: null }))[]
    >(
      `WITH horizon AS MATERIALIZED (SELECT ${FINAL_BELOW_SQL} AS xid),
         owners AS MATERIALIZED (SELECT unnest($3::bigint[]) AS owner_id)
       SELECT ${horizon}::text AS horizon,
         EXISTS (SELECT 1 FROM timeline_updates WHERE xid >= ${horizon}
           AND (owner_id IN (SELECT owner_id FROM owners)
             OR (owner_id IS NULL AND author_id = ANY($4::bigint[])))) AS pending,
         r.*
       FROM (SELECT 1) AS one LEFT JOIN LATERAL (
         SELECT ${LOG_COLUMNS} FROM (
           SELECT ${LOG_COLUMNS} FROM timeline_updates JOIN owners USING (owner_id) WHERE ${unread}
           UNION ALL
           SELECT ${LOG_COLUMNS} FROM timeline_updates
           WHERE owner_id IS NULL AND author_id = ANY($4::bigint[]) AND ${unread}
         ) AS unread ORDER BY xid, id LIMIT $5) r ON true
       ORDER BY r.xid, r.id`,
      [from.xid.toString(), from.id.toString(), owners, authors, limit],
    );
    return {
      rows: rows.filter((row): row is typeof row & LogRecord => row.id !== null).map(toLogEntry),
      horizon: BigInt(rows[0].horizon),
      pending: rows[0].pending,
    };
  }

  /**
   * Deletes up to `batch` of the oldest rows written before `cutoff`, of ended transactions only,
   * and moves the horizon past them; returns how many went.
   */
  @GenerateSql({ params: [[new Date('2026-01-01T10:00:00.000Z'), 10000]] })
  async purgeBefore(cutoff: Date, batch: number): Promise<number> {
    // Below the server's oldest running transaction, not this database's: a head position is a
    // snapshot's xmin, and the purge must stay behind every head a later statement can take.
    const [row] = await this.db.query<{ deleted: string; xid: string | null; id: string | null }[]>(
      `WITH doomed AS (
         DELETE FROM timeline_updates WHERE id IN (
           SELECT id FROM timeline_updates
           WHERE created_at < $1 AND xid < pg_snapshot_xmin(pg_current_snapshot())
           ORDER BY xid, id LIMIT $2)
         RETURNING xid, id)
       SELECT (SELECT count(*) FROM doomed) AS deleted, last.xid::text AS xid, last.id
       FROM (SELECT 1) AS one
       LEFT JOIN LATERAL (SELECT xid, id FROM doomed ORDER BY xid DESC, id DESC LIMIT 1) last ON true`,
      [cutoff, batch],
    );
    if (row.xid !== null) {
      await this.db.query(
        `UPDATE timeline_update_horizon SET (purged_xid, purged_through) = ($1::xid8, $2::bigint)
         WHERE (purged_xid, purged_through) < ($1::xid8, $2::bigint)`,
        [row.xid, row.id],
      );
    }
    return Number(row.deleted);
  }
}
