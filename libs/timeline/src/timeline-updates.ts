import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { afterCommit } from '@app/common';
import { EventBus } from '@app/realtime';
import { TimelineUpdateKind } from './entities/timeline-update.entity';
import { TimelineItemRef } from './timeline-sources';
import { TimelineUpdatesRepository } from './timeline-updates.repository';

export const TIMELINE_TOPIC = 'timeline';

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
  constructor(
    private readonly log: TimelineUpdatesRepository,
    private readonly bus: EventBus,
  ) {}

  async record(
    manager: EntityManager,
    kind: TimelineUpdateKind,
    item: Pick<TimelineItemRef, 'kind' | 'itemId' | 'authorId'>,
    owners: string[],
    forFollowersOfAuthor = false,
  ): Promise<void> {
    if (owners.length === 0 && !forFollowersOfAuthor) return;
    await this.log.append(kind, item, owners, forFollowersOfAuthor, manager);
    this.ringAfterCommit(manager, item, owners, forFollowersOfAuthor);
  }

  /** For rows the caller's statement appended itself (see appendLogSql): rings after commit. */
  ringAfterCommit(
    manager: EntityManager,
    item: Pick<TimelineItemRef, 'authorId'>,
    owners: string[],
    forFollowersOfAuthor: boolean,
  ): void {
    if (owners.length === 0 && !forFollowersOfAuthor) return;
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
