import { AccountsService } from '@app/accounts';
import { encodeCursor, InvalidInputError } from '@app/common';
import { RelationshipPolicy } from '@app/graph';
import { TimelineItemKind } from './entities/timeline-entry.entity';
import { DataSource } from 'typeorm';
import { TimelineEntriesRepository } from './timeline-entries.repository';
import { TimelineUpdatesRepository } from './timeline-updates.repository';
import { ItemKey, TimelineItemRef, TimelineSource, TimelineSources } from './timeline-sources';
import { parseTimelineCursor, timelineCursor, TimelineService } from './timeline.service';

function ref(kind: TimelineItemKind, itemId: string, at: string): TimelineItemRef {
  return { kind, itemId, authorId: '1', sortAt: new Date(at) };
}

/** A source serving fixed items the way the SQL ones do: newest first, strictly before the key. */
function source(
  kind: TimelineItemKind,
  items: TimelineItemRef[],
  seen: (ItemKey | undefined)[],
): TimelineSource {
  return {
    kind,
    byAuthor: (_authorId, before, limit) => {
      seen.push(before);
      const older = items.filter(
        (item) =>
          !before ||
          item.sortAt.getTime() < Date.parse(before.sortAt) ||
          (item.sortAt.getTime() === Date.parse(before.sortAt) &&
            BigInt(item.itemId) < BigInt(before.itemId)),
      );
      return Promise.resolve(older.slice(0, limit));
    },
    prime: () => undefined,
    resolve: () => Promise.resolve(undefined),
  };
}

describe('TimelineService.ofAuthor', () => {
  const posts = [
    ref(TimelineItemKind.POST, '9', '2026-01-01T10:00:03.000Z'),
    ref(TimelineItemKind.POST, '5', '2026-01-01T10:00:01.000Z'),
  ];
  const broadcasts = [
    ref(TimelineItemKind.BROADCAST, '7', '2026-01-01T10:00:03.000Z'),
    ref(TimelineItemKind.BROADCAST, '3', '2026-01-01T10:00:02.000Z'),
  ];

  function service(seen: (ItemKey | undefined)[]) {
    const sources = new TimelineSources();
    sources.register(source(TimelineItemKind.POST, posts, seen));
    sources.register(source(TimelineItemKind.BROADCAST, broadcasts, seen));
    // ofAuthor reads in one REPEATABLE READ transaction: its manager is only handed on.
    const db = { transaction: (_level: string, work: (m: unknown) => unknown) => work({}) };
    const updates = { bounds: () => Promise.resolve({ head: 12n, purgedThrough: 0n }) };
    return new TimelineService(
      db as unknown as DataSource,
      sources,
      {} as TimelineEntriesRepository,
      updates as unknown as TimelineUpdatesRepository,
      {} as AccountsService,
      {} as RelationshipPolicy,
    );
  }

  it('merges every kind newest first, ties broken by the larger item id, one extra row for hasNextPage', async () => {
    const { page, logHead } = await service([]).ofAuthor('1', { first: 2 }, false);
    expect(logHead).toBe(12n);
    expect(page.edges.map((edge) => edge.node.itemId)).toEqual(['9', '7']);
    expect(page.edges[1].cursor).toBe(timelineCursor(broadcasts[0]));
    expect(page.pageInfo.hasNextPage).toBe(true);
  });

  it('passes the cursor key to every source', async () => {
    const seen: (ItemKey | undefined)[] = [];
    const after = timelineCursor(broadcasts[0]);
    const { page } = await service(seen).ofAuthor('1', { first: 5, after }, false);
    expect(page.edges.map((edge) => edge.node.itemId)).toEqual(['3', '5']);
    expect(page.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(seen).toEqual([
      { sortAt: '2026-01-01T10:00:03.000Z', itemId: '7' },
      { sortAt: '2026-01-01T10:00:03.000Z', itemId: '7' },
    ]);
  });
});

describe('timeline cursors', () => {
  it('round-trip the sort key', () => {
    const item = ref(TimelineItemKind.POST, '42', '2026-03-04T05:06:07.089Z');
    expect(parseTimelineCursor(timelineCursor(item))).toEqual({
      sortAt: '2026-03-04T05:06:07.089Z',
      itemId: '42',
    });
    expect(parseTimelineCursor(null)).toBeUndefined();
  });

  it('refuse anything else as BAD_USER_INPUT on `after`', () => {
    expect(() => parseTimelineCursor(encodeCursor(['x', '1']))).toThrow(InvalidInputError);
    expect(() => parseTimelineCursor('%%%')).toThrow('after: is not a valid cursor');
  });
});
