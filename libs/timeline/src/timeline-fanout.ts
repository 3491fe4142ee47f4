import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { TimelineUpdateKind } from './entities/timeline-update.entity';
import { TimelineEntriesRepository, TimelinePlacement } from './timeline-entries.repository';
import { TimelineItemRef, TimelineSources } from './timeline-sources';

export type FanoutResult = TimelinePlacement;

export interface FanoutOptions {
  /** For replies: only followers who also follow this account get it (as Twitter does). */
  onlyFollowersOf?: string | null;
  /** Written by the same transaction: no timeline can hold it yet. */
  newItem?: boolean;
}

/**
 * Writes items into home timelines (fan-out on write), inside the transaction that created them.
 * Accounts above the fan-out limit write the item once to the pulled items instead; readers merge
 * those in. Either way the author's own timeline gets the item.
 */
@Injectable()
export class TimelineFanout {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sources: TimelineSources,
    private readonly entries: TimelineEntriesRepository,
  ) {}

  /**
   * Puts an item into home timelines and logs `kind` for them. Returns the owners whose timeline
   * received it, and whether it was written once for readers to pull (author above the fan-out
   * limit).
   */
  add(
    manager: EntityManager,
    kind: TimelineUpdateKind,
    item: TimelineItemRef,
    options: FanoutOptions = {},
  ): Promise<FanoutResult> {
    return this.entries.place(
      kind,
      item,
      options.onlyFollowersOf ?? null,
      options.newItem ?? false,
      this.config.timeline.fanoutMaxFollowers,
      manager,
    );
  }

  /** Who has the item in their timeline now (for ENDED updates). */
  holders(manager: EntityManager, itemId: string): Promise<FanoutResult> {
    return this.entries.holders(itemId, manager);
  }

  /** Takes an item out of every timeline; returns whose it was in. */
  remove(manager: EntityManager, itemId: string): Promise<FanoutResult> {
    return this.entries.removeItem(itemId, manager);
  }

  /** Takes an item out of every timeline and logs `kind` for each; returns whose it was in. */
  removeAndLog(
    manager: EntityManager,
    kind: TimelineUpdateKind,
    item: Pick<TimelineItemRef, 'kind' | 'itemId' | 'authorId'>,
  ): Promise<FanoutResult> {
    return this.entries.removeItemLogged(kind, item, manager);
  }

  /** A new follow brings the followee's recent items into the follower's timeline. */
  async backfill(
    manager: EntityManager,
    ownerId: string,
    authorId: string,
  ): Promise<TimelineItemRef[]> {
    const limit = this.config.timeline.backfillPerFollow;
    if (limit === 0) return [];
    const items: TimelineItemRef[] = [];
    for (const source of this.sources.all()) {
      items.push(...(await source.byAuthor(authorId, undefined, limit, manager)));
    }
    const recent = items.sort((a, b) => b.sortAt.getTime() - a.sortAt.getTime()).slice(0, limit);
    if (recent.length === 0) return [];
    const added = new Set(await this.entries.addToOwner(ownerId, authorId, recent, manager));
    return recent.filter((item) => added.has(item.itemId));
  }

  /** The author's items leave the owner's timeline (unfollow, block); returns them. */
  removeAuthor(
    manager: EntityManager,
    ownerId: string,
    authorId: string,
  ): Promise<TimelineItemRef[]> {
    return this.entries.removeAuthorFromOwner(ownerId, authorId, manager);
  }

  forgetAccount(manager: EntityManager, userId: string): Promise<void> {
    return this.entries.forgetAccount(userId, manager);
  }
}
