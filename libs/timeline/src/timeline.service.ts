import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConnectionArgs, decodeCursor, encodeCursor, pageSize } from '@app/common';
import { TimelineItemKind } from './entities/timeline-entry.entity';
import { ItemKey, TimelineItemRef, TimelineSources } from './timeline-sources';

export interface TimelinePage {
  refs: TimelineItemRef[];
  /** Rows fetched with LIMIT size + 1. */
  size: number;
}

interface RefRecord {
  sort_at: Date;
  item_id: string;
  item_kind: TimelineItemKind;
  author_id: string;
}

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
    const rows = await this.db.query<RefRecord[]>(
      `SELECT sort_at, item_id, item_kind, author_id FROM (
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
       LIMIT $2`,
      params,
    );
    return { refs: rows.map(toRef), size };
  }

  /**
   * One account's own items (its profile), merged across item kinds; none when `hidden` (the
   * account blocks the viewer), once the cursor is checked.
   */
  async ofAuthor(authorId: string, args: ConnectionArgs, hidden: boolean): Promise<TimelinePage> {
    const size = pageSize(args);
    const before = parseTimelineCursor(args.after);
    if (hidden) return { refs: [], size };
    const manager = this.db.manager;
    const refs: TimelineItemRef[] = [];
    for (const source of this.sources.all()) {
      refs.push(...(await source.byAuthor(manager, authorId, before, size + 1)));
    }
    refs.sort(
      (a, b) =>
        b.sortAt.getTime() - a.sortAt.getTime() || (BigInt(b.itemId) > BigInt(a.itemId) ? 1 : -1),
    );
    return { refs: refs.slice(0, size + 1), size };
  }
}
