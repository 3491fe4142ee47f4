import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { returningRows } from '@app/database';
import { TimelineItemKind } from './entities/timeline-entry.entity';
import { TimelineItemRef, TimelineSources } from './timeline-sources';

export interface FanoutResult {
  /** Owners whose home timeline holds (or held) the item. */
  owners: string[];
  /** Written once for the author's followers to pull, not per follower. */
  pulled: boolean;
}

export interface FanoutOptions {
  /** For replies: only followers who also follow this account get it (as Twitter does). */
  onlyFollowersOf?: string | null;
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
  ) {}

  /**
   * Puts an item into home timelines. Returns the owners whose timeline received it, and whether
   * it was written once for readers to pull (author above the fan-out limit).
   */
  async add(
    manager: EntityManager,
    item: TimelineItemRef,
    options: FanoutOptions = {},
  ): Promise<FanoutResult> {
    const [author] = await manager.query<{ followers_count: number }[]>(
      'SELECT followers_count FROM users WHERE id = $1',
      [item.authorId],
    );
    const params = [item.authorId, item.sortAt, item.itemId, item.kind];
    if ((author?.followers_count ?? 0) > this.config.timeline.fanoutMaxFollowers) {
      await manager.query(
        `INSERT INTO timeline_pulled_items (author_id, sort_at, item_id, item_kind)
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
        params,
      );
      await manager.query(
        'INSERT INTO timeline_pull_authors (author_id) VALUES ($1) ON CONFLICT DO NOTHING',
        [item.authorId],
      );
      await manager.query(
        `INSERT INTO timeline_entries (owner_id, sort_at, item_id, item_kind, author_id)
         VALUES ($1, $2, $3, $4, $1) ON CONFLICT DO NOTHING`,
        params,
      );
      return { owners: [item.authorId], pulled: true };
    }
    const onlyFollowersOf = options.onlyFollowersOf ?? null;
    const inserted = await manager.query<{ owner_id: string }[]>(
      `INSERT INTO timeline_entries (owner_id, sort_at, item_id, item_kind, author_id)
       SELECT owner_id, $2, $3, $4, $1 FROM (
         SELECT $1::bigint AS owner_id
         UNION ALL
         SELECT f.follower_id FROM follows f
         WHERE f.followee_id = $1
           AND ($5::bigint IS NULL OR f.follower_id = $5 OR EXISTS (
             SELECT 1 FROM follows g WHERE g.follower_id = f.follower_id AND g.followee_id = $5))
       ) owners
       ON CONFLICT DO NOTHING
       RETURNING owner_id`,
      [...params, onlyFollowersOf],
    );
    return { owners: inserted.map((row) => row.owner_id), pulled: false };
  }

  /** Who has the item in their timeline now (for ENDED updates). */
  async holders(manager: EntityManager, itemId: string): Promise<FanoutResult> {
    const owners = await manager.query<{ owner_id: string }[]>(
      'SELECT owner_id FROM timeline_entries WHERE item_id = $1',
      [itemId],
    );
    const pulled = await manager.query<unknown[]>(
      'SELECT 1 FROM timeline_pulled_items WHERE item_id = $1',
      [itemId],
    );
    return { owners: owners.map((row) => row.owner_id), pulled: pulled.length > 0 };
  }

  /** Takes an item out of every timeline; returns whose it was in. */
  async remove(manager: EntityManager, itemId: string): Promise<FanoutResult> {
    const owners = await returningRows<{ owner_id: string }>(
      manager,
      'DELETE FROM timeline_entries WHERE item_id = $1 RETURNING owner_id',
      [itemId],
    );
    const pulled = await returningRows(
      manager,
      'DELETE FROM timeline_pulled_items WHERE item_id = $1 RETURNING 1',
      [itemId],
    );
    return { owners: owners.map((row) => row.owner_id), pulled: pulled.length > 0 };
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
      items.push(...(await source.byAuthor(manager, authorId, undefined, limit)));
    }
    const recent = items.sort((a, b) => b.sortAt.getTime() - a.sortAt.getTime()).slice(0, limit);
    if (recent.length === 0) return [];
    const inserted = await manager.query<{ item_id: string }[]>(
      `INSERT INTO timeline_entries (owner_id, sort_at, item_id, item_kind, author_id)
       SELECT $1, i.sort_at, i.item_id, i.item_kind::timeline_item_kind, $2
       FROM unnest($3::timestamptz[], $4::bigint[], $5::text[]) AS i(sort_at, item_id, item_kind)
       ON CONFLICT DO NOTHING
       RETURNING item_id`,
      [
        ownerId,
        authorId,
        recent.map((i) => i.sortAt),
        recent.map((i) => i.itemId),
        recent.map((i) => i.kind),
      ],
    );
    const added = new Set(inserted.map((row) => row.item_id));
    return recent.filter((item) => added.has(item.itemId));
  }

  /** The author's items leave the owner's timeline (unfollow, block); returns them. */
  async removeAuthor(
    manager: EntityManager,
    ownerId: string,
    authorId: string,
  ): Promise<TimelineItemRef[]> {
    const rows = await returningRows<{
      item_id: string;
      item_kind: TimelineItemKind;
      sort_at: Date;
    }>(
      manager,
      `DELETE FROM timeline_entries WHERE owner_id = $1 AND author_id = $2
       RETURNING item_id, item_kind, sort_at`,
      [ownerId, authorId],
    );
    return rows.map((row) => ({
      kind: row.item_kind,
      itemId: row.item_id,
      authorId,
      sortAt: row.sort_at,
    }));
  }

  async forgetAccount(manager: EntityManager, userId: string): Promise<void> {
    // author_id has no index; the author's own timeline holds all their items (see add), so
    // their rows elsewhere are found through the item index.
    await manager.query(
      `DELETE FROM timeline_entries WHERE item_id IN (
         SELECT item_id FROM timeline_entries WHERE owner_id = $1 AND author_id = $1)`,
      [userId],
    );
    await manager.query('DELETE FROM timeline_entries WHERE owner_id = $1', [userId]);
    await manager.query('DELETE FROM timeline_pulled_items WHERE author_id = $1', [userId]);
    await manager.query('DELETE FROM timeline_pull_authors WHERE author_id = $1', [userId]);
  }
}
