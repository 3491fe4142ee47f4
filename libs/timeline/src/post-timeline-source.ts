import { EntityManager } from 'typeorm';
import { PostModel, PostsRepository, PostsService } from '@app/posts';
import { TimelineItemKind } from './entities/timeline-entry.entity';
import { ItemKey, TimelineItemRef, TimelineSource } from './timeline-sources';

/** Posts as timeline items: they sit at the time they were written. */
export function postTimelineSource(posts: PostsService, table: PostsRepository): TimelineSource {
  return {
    kind: TimelineItemKind.POST,
    async byAuthor(
      manager: EntityManager,
      authorId: string,
      before: ItemKey | undefined,
      limit: number,
    ): Promise<TimelineItemRef[]> {
      const keys = await table.sortKeysOf(authorId, before, limit, manager);
      return keys.map((key) => ({
        kind: TimelineItemKind.POST,
        itemId: key.id,
        authorId,
        sortAt: key.createdAt,
      }));
    },
    async resolve(loaders, itemId, viewerId) {
      const post = await posts.findVisible(loaders, itemId, viewerId);
      return post && PostModel.from(post);
    },
  };
}
