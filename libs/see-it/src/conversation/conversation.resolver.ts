import { Args, Context, ID, Resolver, Subscription } from '@nestjs/graphql';
import { GlobalIdPipe, RequestContext } from '@app/common';
import { PostModel } from '@app/posts';
import { ShowsService } from '../shows/shows.service';
import { ConversationFeed, ConversationPush } from './conversation-feed';

@Resolver()
export class ConversationResolver {
  constructor(
    private readonly feed: ConversationFeed,
    private readonly shows: ShowsService,
  ) {}

  @Subscription(() => PostModel, {
    description:
      "Posts that mention the show's hashtag, as they are posted: the live side of Show.conversation.",
    // Each post brings its own loaders, so nothing stays cached for the socket's lifetime.
    resolve: (push: ConversationPush, _args: unknown, context: RequestContext) => {
      context.loaders = push.loaders;
      return push.post;
    },
  })
  async showConversation(
    @Args(
      'showId',
      {
        description:
          'Global id of the show; NOT_FOUND when it does not exist or is hidden from the viewer.',
        type: () => ID,
      },
      new GlobalIdPipe('Show'),
    )
    showId: string,
    @Context() context: RequestContext,
  ): Promise<AsyncIterator<ConversationPush>> {
    const show = await this.shows.getVisible(context.loaders, showId, context.viewer?.id);
    return this.feed.listen(show.id, context.viewer?.id);
  }
}
