import { EntityManager } from 'typeorm';
import { BroadcastModel, BroadcastsService } from '@app/broadcasts';
import { TimelineItemKind } from './entities/timeline-entry.entity';
import { ItemKey, TimelineItemRef, TimelineSource } from './timeline-sources';

/** Broadcasts as timeline items: at the time they went live, else when they were scheduled. */
export function broadcastTimelineSource(broadcasts: BroadcastsService): TimelineSource {
  return {
    kind: TimelineItemKind.BROADCAST,
    async byAuthor(
      manager: EntityManager,
      authorId: string,
      before: ItemKey | undefined,
      limit: number,
    ): Promise<TimelineItemRef[]> {
      const params: unknown[] = [authorId, limit];
      const keyset = before
        ? 'AND (COALESCE(started_at, created_at), id) < ($3::timestamptz, $4::bigint)'
        : '';
      if (before) params.push(before.sortAt, before.itemId);
      const rows = await manager.query<{ id: string; sort_at: Date }[]>(
        `SELECT id, COALESCE(started_at, created_at) AS sort_at FROM broadcasts
         WHERE broadcaster_id = $1 AND status <> 'CANCELED' ${keyset}
         ORDER BY sort_at DESC, id DESC LIMIT $2`,
        params,
      );
      return rows.map((row) => ({
        kind: TimelineItemKind.BROADCAST,
        itemId: row.id,
        authorId,
        sortAt: row.sort_at,
      }));
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
      const broadcast = await loaders.load(broadcasts.byId, itemId);
      if (!broadcast || !(await broadcasts.isVisible(loaders, broadcast, viewerId)))
        return undefined;
      return BroadcastModel.from(broadcast);
    },
  };
}
