import { EntityManager } from 'typeorm';
import { PostModel, PostsService } from '@app/posts';
import { TimelineItemKind } from './entities/timeline-entry.entity';
import { ItemKey, TimelineItemRef, TimelineSource } from './timeline-sources';

/** Posts as timeline items: they sit at the time they were written. */
export function postTimelineSource(posts: PostsService): TimelineSource {
  return {
    kind: TimelineItemKind.POST,
    async byAuthor(
      manager: EntityManager,
      authorId: string,
      before: ItemKey | undefined,
      limit: number,
    ): Promise<TimelineItemRef[]> {
      const params: unknown[] = [authorId, limit];
      const keyset = before ? 'AND (created_at, id) < ($3::timestamptz, $4::bigint)' : '';
      if (before) params.push(before.sortAt, before.itemId);
      const rows = await manager.query<{ id: string; created_at: Date }[]>(
        `SELECT id, created_at FROM posts WHERE author_id = $1 ${keyset}
         ORDER BY created_at DESC, id DESC LIMIT $2`,
        params,
      );
      return rows.map((row) => ({
        kind: TimelineItemKind.POST,
        itemId: row.id,
        authorId,
        sortAt: row.created_at,
      }));
    },
    async resolve(loaders, itemId, viewerId) {
      const post = await loaders.load(posts.byId, itemId);
      if (!post || !(await posts.isVisible(loaders, post, viewerId))) return undefined;
      return PostModel.from(post);
    },
  };
}
