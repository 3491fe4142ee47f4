import { mapRead } from '@app/common';
import { PostModel, PostsRepository, PostsService } from '@app/posts';
import { TimelineItemKind } from './entities/timeline-entry.entity';
import { itemRefs, TimelineSource } from './timeline-sources';

/** Posts as timeline items: they sit at the time they were written. */
export function postTimelineSource(posts: PostsService, table: PostsRepository): TimelineSource {
  return {
    kind: TimelineItemKind.POST,
    async byAuthor(authorId, before, limit, manager) {
      const keys = await table.sortKeysOf(authorId, before, limit, manager);
      return itemRefs(TimelineItemKind.POST, authorId, keys);
    },
    prime(loaders, reads) {
      for (const post of reads.posts) {
        loaders.prime(posts.byId, post.id, post.row);
        loaders.prime(posts.viewerHasLiked, post.id, post.viewerHasLiked);
        loaders.prime(posts.mentionedUserIds, post.id, post.mentionedUserIds);
      }
    },
    resolve(loaders, itemId, viewerId) {
      return mapRead(
        posts.findVisible(loaders, itemId, viewerId),
        (post) => post && PostModel.from(post),
      );
    },
  };
}
