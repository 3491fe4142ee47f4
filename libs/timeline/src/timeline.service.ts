import { Injectable } from '@nestjs/common';
import {
  ConnectionArgs,
  ConnectionShape,
  decodeCursor,
  encodeCursor,
  pageSize,
  toConnection,
} from '@app/common';
import { TimelineEntriesRepository } from './timeline-entries.repository';
import { ItemKey, TimelineItemRef, TimelineSources } from './timeline-sources';

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
    private readonly sources: TimelineSources,
    private readonly entries: TimelineEntriesRepository,
  ) {}

  /**
   * The viewer's home: their materialized timeline merged with the pulled items of the large
   * accounts they follow, without authors hidden from the viewer's feeds.
   */
  home(viewerId: string, args: ConnectionArgs): Promise<ConnectionShape<TimelineItemRef>> {
    return this.entries.home(viewerId, args);
  }

  /**
   * One account's own items (its profile), merged across item kinds; none when `hidden` (the
   * account blocks the viewer), once the cursor is checked.
   */
  async ofAuthor(
    authorId: string,
    args: ConnectionArgs,
    hidden: boolean,
  ): Promise<ConnectionShape<TimelineItemRef>> {
    const size = pageSize(args);
    const before = parseTimelineCursor(args.after);
    const refs: TimelineItemRef[] = [];
    if (!hidden) {
      for (const source of this.sources.all()) {
        refs.push(...(await source.byAuthor(authorId, before, size + 1)));
      }
    }
    refs.sort(
      (a, b) =>
        b.sortAt.getTime() - a.sortAt.getTime() || (BigInt(b.itemId) > BigInt(a.itemId) ? 1 : -1),
    );
    return toConnection(refs, size, timelineCursor, (ref) => ref, !!args.after);
  }
}
