import { mapRead } from '@app/common';
import {
  BroadcastModel,
  BroadcastsRepository,
  BroadcastsService,
  ReplaysService,
} from '@app/broadcasts';
import { FollowService } from '@app/graph';
import { TimelineItemKind } from './entities/timeline-entry.entity';
import { itemRefs, TimelineSource } from './timeline-sources';

/** Broadcasts as timeline items: at the time they went live, else when they were scheduled. */
export function broadcastTimelineSource(
  broadcasts: BroadcastsService,
  table: BroadcastsRepository,
  replays: ReplaysService,
  follows: FollowService,
): TimelineSource {
  return {
    kind: TimelineItemKind.BROADCAST,
    async byAuthor(authorId, before, limit, manager) {
      const keys = await table.sortKeysOf(authorId, before, limit, manager);
      return itemRefs(TimelineItemKind.BROADCAST, authorId, keys);
    },
    prime(loaders, reads) {
      for (const broadcast of reads.broadcasts) {
        loaders.prime(broadcasts.byId, broadcast.id, broadcast.row);
        if (!broadcast.row) continue;
        loaders.prime(broadcasts.viewerBanned, broadcast.id, broadcast.viewerBanned);
        loaders.prime(follows.viewerFollows, broadcast.row.broadcasterId, broadcast.viewerFollows);
        loaders.prime(replays.byBroadcast, broadcast.id, broadcast.replay);
      }
    },
    resolve(loaders, itemId, viewerId) {
      return mapRead(
        broadcasts.findVisible(loaders, itemId, viewerId),
        (broadcast) => broadcast && BroadcastModel.from(broadcast),
      );
    },
  };
}
