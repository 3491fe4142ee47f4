import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { GenerateSql, Queryable } from '@app/database';
import { TimelineItemKind } from './entities/timeline-entry.entity';
import { TimelineUpdateKind } from './entities/timeline-update.entity';
import { TimelineItemRef } from './timeline-sources';

/** Serializes writers of the log, so ids become visible in commit order (see the entity). */
const LOG_LOCK = 7_346_001;

interface LogRecord {
  id: string;
  owner_id: string | null;
  author_id: string;
  kind: TimelineUpdateKind;
  item_kind: TimelineItemKind;
  item_id: string;
}

const LOG_COLUMNS = 'id, owner_id, author_id, kind, item_kind, item_id';

/** One row of the update log: a change of one home timeline (or, ownerless, of a large account's followers'). */
export interface LogEntry {
  id: bigint;
  ownerId: string | null;
  authorId: string;
  kind: TimelineUpdateKind;
  itemKind: TimelineItemKind;
  itemId: string;
}

function toLogEntry(row: LogRecord): LogEntry {
  return {
    id: BigInt(row.id),
    ownerId: row.owner_id,
    authorId: row.author_id,
    kind: row.kind,
    itemKind: row.item_kind,
    itemId: row.item_id,
  };
}

/** Whose rows after which id `countPending` counts: a viewer's own, and its pulled authors'. */
export interface PendingRequest {
  viewerId: string;
  pullAuthors: readonly string[];
  afterId: string;
}

/** Where the kept log ends, and up to where it may have been purged. */
export interface LogBounds {
  head: bigint;
  purgedThrough: bigint;
}

/**
 * The log's head and purge horizon as a one-row relation (`head`, `purged`). The head never falls
 * below the horizon: a purge that empties the log leaves the horizon as the head, so a cursor made
 * from it is always one that `timelineUpdates` resumes from.
 */
export const LOG_BOUNDS_SQL = `SELECT GREATEST((SELECT COALESCE(max(id), 0) FROM timeline_updates), purged_through) AS head,
         purged_through AS purged
  FROM timeline_update_horizon`;

/** The per-viewer update log (`timeline_updates`) and its purge horizon. */
@Injectable()
export class TimelineUpdatesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Appends `kind` for the item to each owner's log and, when `forFollowersOfAuthor`, one
   * ownerless row for the followers of an author above the fan-out limit. Takes the log lock,
   * held to commit: a later writer's ids cannot become visible before this one's.
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
    await db.query('SELECT pg_advisory_xact_lock($1)', [LOG_LOCK]);
    await db.query(
      `INSERT INTO timeline_updates (owner_id, author_id, kind, item_kind, item_id)
       SELECT o, $2, $3, $4, $5 FROM unnest($1::bigint[]) AS o`,
      [owners, item.authorId, kind, item.kind, item.itemId],
    );
    if (forFollowersOfAuthor) {
      await db.query(
        `INSERT INTO timeline_updates (owner_id, author_id, kind, item_kind, item_id)
         VALUES (NULL, $1, $2, $3, $4)`,
        [item.authorId, kind, item.kind, item.itemId],
      );
    }
  }

  /**
   * The log's head and purge horizon. The head never falls below the horizon: a purge that
   * empties the log leaves the horizon as the head.
   */
  @GenerateSql({ params: [[]] })
  async bounds(db: Queryable = this.db): Promise<LogBounds> {
    const [row] = await db.query<{ head: string; purged: string }[]>(LOG_BOUNDS_SQL);
    return { head: BigInt(row.head), purgedThrough: BigInt(row.purged) };
  }

  /**
   * For each request, how many rows after its `afterId` are its viewer's, counting at most `cap`:
   * one statement for all the subscriptions opened at once.
   */
  @GenerateSql({
    params: [
      [
        [
          { viewerId: '1', pullAuthors: ['2'], afterId: '100' },
          { viewerId: '3', pullAuthors: [], afterId: '90' },
        ],
        1000,
      ],
    ],
  })
  async countPending(requests: readonly PendingRequest[], cap: number): Promise<number[]> {
    const pulled = requests.flatMap((request, i) => request.pullAuthors.map(() => i));
    const rows = await this.db.query<{ i: number; pending: number }[]>(
      `SELECT r.i, LEAST($4::int,
         (SELECT count(*) FROM (
            SELECT 1 FROM timeline_updates u
            WHERE u.owner_id = r.viewer_id AND u.id > r.after_id LIMIT $4) AS own)
         + (SELECT count(*) FROM (
            SELECT 1 FROM timeline_updates u
            WHERE u.owner_id IS NULL AND u.id > r.after_id
              AND u.author_id IN (SELECT p.author_id FROM unnest($5::int[], $6::bigint[]) AS p(i, author_id)
                                  WHERE p.i = r.i)
            LIMIT $4) AS pulled))::int AS pending
       FROM unnest($1::int[], $2::bigint[], $3::bigint[]) AS r(i, viewer_id, after_id)`,
      [
        requests.map((_, i) => i),
        requests.map((request) => request.viewerId),
        requests.map((request) => request.afterId),
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
   * The rows after `afterId` of these owners' logs and of the ownerless rows of these authors,
   * in id order.
   */
  @GenerateSql({ params: [['100', ['1', '2'], ['3'], 500]] })
  async readAfter(
    afterId: string,
    owners: readonly string[],
    authors: readonly string[],
    limit: number,
  ): Promise<LogEntry[]> {
    const rows = await this.db.query<LogRecord[]>(
      `SELECT ${LOG_COLUMNS} FROM timeline_updates
       WHERE id > $1 AND (owner_id = ANY($2::bigint[]) OR (owner_id IS NULL AND author_id = ANY($3::bigint[])))
       ORDER BY id LIMIT $4`,
      [afterId, owners, authors, limit],
    );
    return rows.map(toLogEntry);
  }

  /**
   * Deletes up to `batch` of the oldest rows written before `cutoff` and moves the horizon past
   * them; returns how many went.
   */
  @GenerateSql({ params: [[new Date('2026-01-01T10:00:00.000Z'), 10000]] })
  async purgeBefore(cutoff: Date, batch: number): Promise<number> {
    const [row] = await this.db.query<{ deleted: string; through: string | null }[]>(
      `WITH doomed AS (
         DELETE FROM timeline_updates WHERE id IN (
           SELECT id FROM timeline_updates WHERE created_at < $1 ORDER BY id LIMIT $2)
         RETURNING id)
       SELECT count(*) AS deleted, max(id) AS through FROM doomed`,
      [cutoff, batch],
    );
    if (row.through !== null) {
      await this.db.query(
        'UPDATE timeline_update_horizon SET purged_through = GREATEST(purged_through, $1)',
        [row.through],
      );
    }
    return Number(row.deleted);
  }
}
