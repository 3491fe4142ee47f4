import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { TimelineItemRef, TimelineSources } from './timeline-sources';

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

  /** Returns how many timelines received the item directly. */
  async add(
    manager: EntityManager,
    item: TimelineItemRef,
    options: FanoutOptions = {},
  ): Promise<number> {
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
      return 1;
    }
    const onlyFollowersOf = options.onlyFollowersOf ?? null;
    const inserted = await manager.query<unknown[]>(
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
    return inserted.length;
  }

  /** Takes an item out of every timeline (deleted, ended visibility). */
  async remove(manager: EntityManager, itemId: string): Promise<void> {
    await manager.query('DELETE FROM timeline_entries WHERE item_id = $1', [itemId]);
    await manager.query('DELETE FROM timeline_pulled_items WHERE item_id = $1', [itemId]);
  }

  /** A new follow brings the followee's recent items into the follower's timeline. */
  async backfill(manager: EntityManager, ownerId: string, authorId: string): Promise<void> {
    const limit = this.config.timeline.backfillPerFollow;
    if (limit === 0) return;
    const items: TimelineItemRef[] = [];
    for (const source of this.sources.all()) {
      items.push(...(await source.byAuthor(manager, authorId, undefined, limit)));
    }
    const recent = items.sort((a, b) => b.sortAt.getTime() - a.sortAt.getTime()).slice(0, limit);
    if (recent.length === 0) return;
    await manager.query(
      `INSERT INTO timeline_entries (owner_id, sort_at, item_id, item_kind, author_id)
       SELECT $1, i.sort_at, i.item_id, i.item_kind::timeline_item_kind, $2
       FROM unnest($3::timestamptz[], $4::bigint[], $5::text[]) AS i(sort_at, item_id, item_kind)
       ON CONFLICT DO NOTHING`,
      [
        ownerId,
        authorId,
        recent.map((i) => i.sortAt),
        recent.map((i) => i.itemId),
        recent.map((i) => i.kind),
      ],
    );
  }

  /** The author's items leave the owner's timeline (unfollow, block). */
  async removeAuthor(manager: EntityManager, ownerId: string, authorId: string): Promise<void> {
    await manager.query('DELETE FROM timeline_entries WHERE owner_id = $1 AND author_id = $2', [
      ownerId,
      authorId,
    ]);
  }

  /** Before an account is deleted: its timeline, and its items in everyone else's. */
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
