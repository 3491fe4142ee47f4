import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConnectionArgs, decodeCursor, encodeCursor, pageSize } from '@app/common';
import { TimelineItemKind } from './entities/timeline-entry.entity';
import { ItemKey, TimelineItemRef, TimelineSources } from './timeline-sources';
import { LOG_HEAD_SQL } from './timeline-updates';

export interface TimelinePage {
  refs: TimelineItemRef[];
  /** Rows fetched with LIMIT size + 1. */
  size: number;
  /** The update log's head in the snapshot the page was read from: its `updatesCursor`. */
  logHead: string;
}

interface RefRecord {
  sort_at: Date;
  item_id: string;
  item_kind: TimelineItemKind;
  author_id: string;
}

/** A page row joined to the log head; an empty page is one row with no item. */
type HeadedRecord = { head: string } & (RefRecord | { [K in keyof RefRecord]: null });

const toRef = (row: RefRecord): TimelineItemRef => ({
  kind: row.item_kind,
  itemId: row.item_id,
  authorId: row.author_id,
  sortAt: row.sort_at,
});

export function timelineCursor(ref: Pick<TimelineItemRef, 'sortAt' | 'itemId'>): string {
  return encodeCursor([ref.sortAt.toISOString(), ref.itemId]);
}

export function parseTimelineCursor(after: string | null | undefined): ItemKey | undefined {
  if (after === undefined || after === null) return undefined;
  const [sortAt, itemId] = decodeCursor(after, ['timestamp', 'int']);
  return { sortAt, itemId };
}

/** Reads timelines: keyset pages on (sort_at, item_id), newest first, never OFFSET. */
@Injectable()
export class TimelineService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly sources: TimelineSources,
  ) {}

  /**
   * The viewer's home: their materialized timeline merged with the pulled items of the large
   * accounts they follow, without muted or suspended authors. One statement; its cost depends
   * on the page size and the number of large accounts followed, not on the follow count.
   *
   * The log head is read by the same statement, so from the same snapshot: an update committed
   * after it has a larger id (ids are visible in commit order) and its change is not on the page;
   * one committed before it is on the page and at or below the head. A subscription resumed from
   * the head therefore receives each later change once and nothing the page already shows.
   */
  async home(viewerId: string, args: ConnectionArgs): Promise<TimelinePage> {
    const size = pageSize(args);
    const before = parseTimelineCursor(args.after);
    const params: unknown[] = [viewerId, size + 1];
    let entryKeyset = '';
    let pulledKeyset = '';
    if (before) {
      params.push(before.sortAt, before.itemId);
      entryKeyset = 'AND (te.sort_at, te.item_id) < ($3::timestamptz, $4::bigint)';
      pulledKeyset = 'AND (pi.sort_at, pi.item_id) < ($3::timestamptz, $4::bigint)';
    }
    const visibleAuthor = (column: string) => `
      NOT EXISTS (SELECT 1 FROM mutes m WHERE m.muter_id = $1 AND m.muted_id = ${column})
      AND EXISTS (SELECT 1 FROM users u WHERE u.id = ${column} AND u.suspended_at IS NULL)`;
    const rows = await this.db.query<HeadedRecord[]>(
      `WITH log AS (${LOG_HEAD_SQL})
       SELECT log.head, page.* FROM log LEFT JOIN LATERAL (
       SELECT sort_at, item_id, item_kind, author_id FROM (
         (SELECT te.sort_at, te.item_id, te.item_kind, te.author_id
          FROM timeline_entries te
          WHERE te.owner_id = $1 ${entryKeyset} AND ${visibleAuthor('te.author_id')}
          ORDER BY te.sort_at DESC, te.item_id DESC
          LIMIT $2)
         UNION
         (SELECT pi.sort_at, pi.item_id, pi.item_kind, pi.author_id
          FROM timeline_pull_authors pa
          JOIN follows f ON f.follower_id = $1 AND f.followee_id = pa.author_id
          CROSS JOIN LATERAL (
            SELECT pi.sort_at, pi.item_id, pi.item_kind, pi.author_id
            FROM timeline_pulled_items pi
            WHERE pi.author_id = pa.author_id ${pulledKeyset}
            ORDER BY pi.sort_at DESC, pi.item_id DESC
            LIMIT $2
          ) pi
          WHERE ${visibleAuthor('pa.author_id')})
       ) merged
       ORDER BY sort_at DESC, item_id DESC
       LIMIT $2) page ON true
       ORDER BY page.sort_at DESC, page.item_id DESC`,
      params,
    );
    const refs = rows.filter((row): row is { head: string } & RefRecord => row.item_id !== null);
    return { refs: refs.map(toRef), size, logHead: rows[0].head };
  }

  /**
   * One account's own items (its profile), merged across item kinds; none when `hidden` (the
   * account blocks the viewer), once the cursor is checked. One statement per item kind, so the
   * log head and the reads share a REPEATABLE READ snapshot, as `home`'s single statement does.
   */
  async ofAuthor(authorId: string, args: ConnectionArgs, hidden: boolean): Promise<TimelinePage> {
    const size = pageSize(args);
    const before = parseTimelineCursor(args.after);
    return this.db.transaction('REPEATABLE READ', async (manager) => {
      const [log] = await manager.query<{ head: string }[]>(LOG_HEAD_SQL);
      if (hidden) return { refs: [], size, logHead: log.head };
      const refs: TimelineItemRef[] = [];
      for (const source of this.sources.all()) {
        refs.push(...(await source.byAuthor(manager, authorId, before, size + 1)));
      }
      refs.sort(
        (a, b) =>
          b.sortAt.getTime() - a.sortAt.getTime() || (BigInt(b.itemId) > BigInt(a.itemId) ? 1 : -1),
      );
      return { refs: refs.slice(0, size + 1), size, logHead: log.head };
    });
  }
}
