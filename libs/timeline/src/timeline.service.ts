import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccountsService } from '@app/accounts';
import {
  ConnectionArgs,
  decodeCursor,
  encodeCursor,
  pageSize,
  formatDateTime,
  RequestLoaders,
  toConnection,
} from '@app/common';
import { RelationshipPolicy } from '@app/graph';
import { HomeItem, TimelineEntriesRepository, TimelinePage } from './timeline-entries.repository';
import { ItemKey, TimelineItemRef, TimelineSources } from './timeline-sources';
import { TimelineUpdatesRepository } from './timeline-updates.repository';

export function timelineCursor(ref: Pick<TimelineItemRef, 'sortAt' | 'itemId'>): string {
  return encodeCursor([formatDateTime(ref.sortAt), ref.itemId]);
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
    private readonly entries: TimelineEntriesRepository,
    private readonly updates: TimelineUpdatesRepository,
    private readonly accounts: AccountsService,
    private readonly policy: RelationshipPolicy,
  ) {}

  /**
   * The viewer's home: their materialized timeline merged with the pulled items of the large
   * accounts they follow, without authors hidden from the viewer's feeds. The items' rows come
   * with the page and seed the viewer's loaders, so the whole page is one statement.
   */
  async home(
    viewerId: string,
    args: ConnectionArgs,
    loaders: RequestLoaders,
  ): Promise<TimelinePage<HomeItem>> {
    const home = await this.entries.home(viewerId, args);
    for (const { node: item } of home.page.edges) {
      for (const account of item.reads.accounts) {
        loaders.prime(this.accounts.byId, account.id, account.user);
        loaders.prime(this.policy.blocksViewer, account.id, account.blocksViewer);
      }
      for (const source of this.sources.all()) source.prime(loaders, item.reads);
    }
    return home;
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
      const { head } = await this.updates.bounds(manager);
      const refs: TimelineItemRef[] = [];
      if (!hidden) {
        for (const source of this.sources.all()) {
          refs.push(...(await source.byAuthor(authorId, before, size + 1, manager)));
        }
      }
      refs.sort(
        (a, b) =>
          b.sortAt.getTime() - a.sortAt.getTime() || (BigInt(b.itemId) > BigInt(a.itemId) ? 1 : -1),
      );
      return {
        page: toConnection(refs, size, timelineCursor, (ref) => ref, !!args.after),
        logHead: head,
      };
    });
  }
}
