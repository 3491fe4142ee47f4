import { ResolveField, Resolver } from '@nestjs/graphql';
import { BroadcastModel } from '@app/broadcasts';
import { RequestContext } from '@app/common';
import { PostModel } from '@app/posts';
import { SeeItModel } from './models/see-it.model';
import { SeeItService } from './see-it.service';

/** Post.seeIt lives here, so posts know nothing of See it. */
@Resolver(() => PostModel)
export class PostSeeItResolver {
  constructor(private readonly buttons: SeeItService) {}

  @ResolveField(() => SeeItModel, {
    nullable: true,
    description: 'Present when the post mentions a show (by its hashtag) or shares a broadcast.',
  })
  seeIt(post: PostModel, _args: unknown, context: RequestContext): Promise<SeeItModel | null> {
    return this.buttons.forPost(context.loaders, post, context.viewer?.id);
  }
}

/** Broadcast.seeIt, likewise outside the broadcasts library. */
@Resolver(() => BroadcastModel)
export class BroadcastSeeItResolver {
  constructor(private readonly buttons: SeeItService) {}

  @ResolveField(() => SeeItModel, {
    nullable: true,
    description:
      'Where and how to watch this broadcast: live while it is on, then its replay. Always present; nullable like Post.seeIt, so one selection on TimelineItem can ask both members for it.',
  })
  seeIt(broadcast: BroadcastModel, _args: unknown, context: RequestContext): Promise<SeeItModel> {
    return this.buttons.forBroadcast(context.loaders, broadcast);
  }
}
