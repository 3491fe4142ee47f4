import { Injectable, Logger } from '@nestjs/common';
import { RequestLoaders } from '@app/common';
import { RelationshipPolicy } from '@app/graph';
import { PostEntity, PostModel, PostsService } from '@app/posts';
import { AsyncQueue, BusMessage, EventBus } from '@app/realtime';
import { ShowsService } from '../shows/shows.service';

/** One new post on its way to a subscriber, with the loaders its fields resolve with. */
export interface ConversationPush {
  post: PostModel;
  loaders: RequestLoaders;
}

interface Sink {
  viewerId: string | undefined;
  queue: AsyncQueue<ConversationPush>;
}

interface ShowListeners {
  sinks: Set<Sink>;
  unsubscribe: () => void;
}

const topicOf = (showId: string) => `see-it:conversation:${showId}`;
const DATABASE_ID = /^[1-9][0-9]{0,18}$/;

/**
 * The live side of Show.conversation (Subscription.showConversation). A new post with hashtags
 * is matched to shows once, after it commits, and announced on one bus topic per show. Each
 * process listens to the topics of the shows its subscribers follow, and delivers one message
 * with one load of the post and one query for blocks, however many of them are connected.
 */
@Injectable()
export class ConversationFeed {
  private readonly logger = new Logger(ConversationFeed.name);
  private readonly byShow = new Map<string, ShowListeners>();

  constructor(
    private readonly bus: EventBus,
    private readonly posts: PostsService,
    private readonly policy: RelationshipPolicy,
    private readonly shows: ShowsService,
  ) {}

  /** After a post commits: tells the subscribers of every show whose hashtag it mentions. */
  async announce(post: PostEntity): Promise<void> {
    for (const showId of await this.shows.idsByHashtags(post.hashtags)) {
      await this.bus.publish(topicOf(showId), { postId: post.id, authorId: post.authorId });
    }
  }

  listen(showId: string, viewerId: string | undefined): AsyncQueue<ConversationPush> {
    let listeners = this.byShow.get(showId);
    if (!listeners) {
      const created: ShowListeners = {
        sinks: new Set(),
        unsubscribe: this.bus.subscribe(topicOf(showId), (message) => {
          void this.deliver(created, message);
        }),
      };
      this.byShow.set(showId, created);
      listeners = created;
    }
    const show = listeners;
    const sink: Sink = {
      viewerId,
      queue: new AsyncQueue<ConversationPush>(() => {
        show.sinks.delete(sink);
        if (show.sinks.size === 0) {
          show.unsubscribe();
          this.byShow.delete(showId);
        }
      }),
    };
    show.sinks.add(sink);
    return sink.queue;
  }

  private async deliver(listeners: ShowListeners, message: BusMessage): Promise<void> {
    const { postId, authorId } = message;
    // Another shape (another version during a rolling deploy) never reaches SQL.
    if (typeof postId !== 'string' || typeof authorId !== 'string') return;
    if (!DATABASE_ID.test(postId) || !DATABASE_ID.test(authorId)) return;
    const sinks = [...listeners.sinks];
    try {
      const shared = new RequestLoaders(undefined);
      const post = await shared.load(this.posts.byId, postId);
      if (!post) return;
      const blocked = await this.policy.hiddenFromAmong(authorId, [
        ...new Set(sinks.flatMap((sink) => (sink.viewerId ? [sink.viewerId] : []))),
      ]);
      const model = PostModel.from(post);
      for (const sink of sinks) {
        if (sink.viewerId && blocked.has(sink.viewerId)) continue;
        const loaders = new RequestLoaders(sink.viewerId, shared);
        if (sink.viewerId) loaders.prime(this.policy.blocksViewer, authorId, false);
        sink.queue.push({ post: model, loaders });
      }
    } catch (error) {
      // The post is stored; subscribers find it in Show.conversation on their next read.
      this.logger.error(`Could not push a conversation post: ${(error as Error).message}`);
    }
  }
}
