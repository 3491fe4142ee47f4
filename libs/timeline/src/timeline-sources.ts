import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Read, RequestLoaders } from '@app/common';
import { TimelineItemKind } from './entities/timeline-entry.entity';
import type { HomeReads } from './timeline-entries.repository';

/** A timeline item by reference: what a timeline stores and sorts by. */
export interface TimelineItemRef {
  kind: TimelineItemKind;
  itemId: string;
  authorId: string;
  sortAt: Date;
}

/** An item's id and where its author's timeline sorts it. */
export interface ItemSortKey {
  id: string;
  sortAt: Date;
}

/** The author's items of one kind as timeline references. */
export function itemRefs(
  kind: TimelineItemKind,
  authorId: string,
  keys: readonly ItemSortKey[],
): TimelineItemRef[] {
  return keys.map((key) => ({ kind, itemId: key.id, authorId, sortAt: key.sortAt }));
}

export interface ItemKey {
  sortAt: string;
  itemId: string;
}

/**
 * What the timeline needs from a kind of item (posts, broadcasts) without depending on its
 * module: the author's items in timeline order, and the API object for one item as a viewer
 * may see it.
 */
export interface TimelineSource {
  kind: TimelineItemKind;
  /** The author's items, newest first, strictly before `before` when given. */
  byAuthor(
    authorId: string,
    before: ItemKey | undefined,
    limit: number,
    /** Inside a transaction (backfill): its manager. */
    manager?: EntityManager,
  ): Promise<TimelineItemRef[]>;
  /**
   * Seeds the request's loaders with the rows of this kind the home statement read (with the
   * viewer's facts about them), so `resolve` sends no statement for them.
   */
  prime(loaders: RequestLoaders, reads: HomeReads): void;
  /**
   * The API object for the item, or undefined when the viewer may not see it (or it is gone); at
   * once when its rows and facts are in hand.
   */
  resolve(
    loaders: RequestLoaders,
    itemId: string,
    viewerId: string | undefined,
  ): Read<object | undefined>;
}

@Injectable()
export class TimelineSources {
  private readonly sources = new Map<TimelineItemKind, TimelineSource>();

  register(source: TimelineSource): void {
    this.sources.set(source.kind, source);
  }

  all(): TimelineSource[] {
    return [...this.sources.values()];
  }

  get(kind: TimelineItemKind): TimelineSource {
    const source = this.sources.get(kind);
    if (!source) throw new Error(`No timeline source registered for ${kind}`);
    return source;
  }
}
