import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { afterCommit, encodeCursor } from '@app/common';
import { EventBus } from '@app/realtime';
import { TimelineUpdateKind } from './entities/timeline-update.entity';
import { TimelineItemRef } from './timeline-sources';

/** Serializes writers of the log, so ids become visible in commit order (see the entity). */
const LOG_LOCK = 7_346_001;

export const TIMELINE_TOPIC = 'timeline';

/**
 * The log's head as a one-row relation (`head`): its newest id, never below the purge horizon, so
 * a cursor made from it is always one that `timelineUpdates` resumes from.
 */
export const LOG_HEAD_SQL = `SELECT GREATEST((SELECT COALESCE(max(id), 0) FROM timeline_updates), purged_through) AS head,
         purged_through AS purged
  FROM timeline_update_horizon`;

/** A resume point in the log: everything after log row `id`. */
export function updateCursor(id: bigint | string): string {
  return encodeCursor([id.toString()]);
}

/** The doorbell on the bus: whose logs have new rows. Subscribers read the rows themselves. */
export interface TimelineDoorbell {
  owners: string[];
  /** Accounts above the fan-out limit whose followers' logs gained an ownerless row. */
  authors: string[];
  /** Owners whose follow list changed: their subscriptions reload which large accounts they follow. */
  refresh?: string[];
}

/** Writes the per-viewer update log inside the caller's transaction; rings after commit. */
@Injectable()
export class TimelineUpdates {
  constructor(private readonly bus: EventBus) {}

  async record(
    manager: EntityManager,
    kind: TimelineUpdateKind,
    item: Pick<TimelineItemRef, 'kind' | 'itemId' | 'authorId'>,
    owners: string[],
    forFollowersOfAuthor = false,
  ): Promise<void> {
    if (owners.length === 0 && !forFollowersOfAuthor) return;
    // Held to commit: a later writer's ids cannot become visible before this one's.
    await manager.query('SELECT pg_advisory_xact_lock($1)', [LOG_LOCK]);
    await manager.query(
      `INSERT INTO timeline_updates (owner_id, author_id, kind, item_kind, item_id)
       SELECT o, $2, $3, $4, $5 FROM unnest($1::bigint[]) AS o`,
      [owners, item.authorId, kind, item.kind, item.itemId],
    );
    if (forFollowersOfAuthor) {
      await manager.query(
        `INSERT INTO timeline_updates (owner_id, author_id, kind, item_kind, item_id)
         VALUES (NULL, $1, $2, $3, $4)`,
        [item.authorId, kind, item.kind, item.itemId],
      );
    }
    const doorbell: TimelineDoorbell = {
      owners,
      authors: forFollowersOfAuthor ? [item.authorId] : [],
    };
    afterCommit(manager, () => this.bus.publish(TIMELINE_TOPIC, { ...doorbell }));
  }

  /** After a follow change, the follower's open subscriptions re-read whom they pull from. */
  refreshAfterCommit(manager: EntityManager, ownerId: string): void {
    const doorbell: TimelineDoorbell = { owners: [], authors: [], refresh: [ownerId] };
    afterCommit(manager, () => this.bus.publish(TIMELINE_TOPIC, { ...doorbell }));
  }
}
