import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { BroadcastModel } from '@app/broadcasts';
import { RequestContext } from '@app/common';
import { PostModel } from '@app/posts';
import { subjectKey, WatchLaterService } from '../watch-later/watch-later.service';
import { SeeItModel } from './models/see-it.model';
import { SeeItService } from './see-it.service';

@Resolver(() => SeeItModel)
export class SeeItResolver {
  constructor(private readonly watchLater: WatchLaterService) {}

  @ResolveField(() => Boolean, { description: 'True when the viewer saved it to watch later.' })
  savedByViewer(@Parent() seeIt: SeeItModel, @Context() context: RequestContext): Promise<boolean> {
    return context.loaders.load(this.watchLater.saved, subjectKey(seeIt.subject));
  }
}

/** Post.seeIt lives here, so posts know nothing of See it. */
@Resolver(() => PostModel)
export class PostSeeItResolver {
  constructor(private readonly buttons: SeeItService) {}

  @ResolveField(() => SeeItModel, {
    nullable: true,
    description: 'Present when the post mentions a show (by its hashtag) or shares a broadcast.',
  })
  seeIt(@Parent() post: PostModel, @Context() context: RequestContext): Promise<SeeItModel | null> {
    return this.buttons.forPost(context.loaders, post, context.viewer?.id);
  }
}

/** Broadcast.seeIt, likewise outside the broadcasts library. */
@Resolver(() => BroadcastModel)
export class BroadcastSeeItResolver {
  constructor(private readonly buttons: SeeItService) {}

  @ResolveField(() => SeeItModel)
  seeIt(
    @Parent() broadcast: BroadcastModel,
    @Context() context: RequestContext,
  ): Promise<SeeItModel> {
    return this.buttons.forBroadcast(context.loaders, broadcast);
  }
}
