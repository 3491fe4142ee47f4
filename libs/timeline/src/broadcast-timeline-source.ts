import { BroadcastModel, BroadcastsRepository, BroadcastsService } from '@app/broadcasts';
import { TimelineItemKind } from './entities/timeline-entry.entity';
import { itemRefs, TimelineSource } from './timeline-sources';

/** Broadcasts as timeline items: at the time they went live, else when they were scheduled. */
export function broadcastTimelineSource(
  broadcasts: BroadcastsService,
  table: BroadcastsRepository,
): TimelineSource {
  return {
    kind: TimelineItemKind.BROADCAST,
    async byAuthor(authorId, before, limit, manager) {
      const keys = await table.sortKeysOf(authorId, before, limit, manager);
      return itemRefs(TimelineItemKind.BROADCAST, authorId, keys);
    },
    async primeViewers(deliveries) {
      const banned = await broadcasts.bansAmong(
        [...new Set(deliveries.map((d) => d.itemId))],
        [...new Set(deliveries.map((d) => d.viewerId))],
      );
      for (const { loaders, itemId, viewerId } of deliveries) {
        loaders.prime(broadcasts.viewerBanned, itemId, banned.has(`${itemId}:${viewerId}`));
      }
    },
    async resolve(loaders, itemId, viewerId) {
      const broadcast = await broadcasts.findVisible(loaders, itemId, viewerId);
      return broadcast && BroadcastModel.from(broadcast);
    },
  };
}
