import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountEvents } from '@app/accounts';
import { BroadcastsModule } from '@app/broadcasts';
import { NodeRegistry } from '@app/common';
import { GraphModule } from '@app/graph';
import { PostHashtagEntity } from './entities/post-hashtag.entity';
import { PostLikeEntity } from './entities/post-like.entity';
import { PostMentionEntity } from './entities/post-mention.entity';
import { PostEntity } from './entities/post.entity';
import { PostModel } from './models/post.model';
import { PostHashtagsRepository } from './post-hashtags.repository';
import { PostEvents } from './posts.events';
import { PostsResolver } from './posts.resolver';
import { PostsService } from './posts.service';

@Module({
  imports: [
    GraphModule,
    BroadcastsModule,
    TypeOrmModule.forFeature([PostEntity, PostLikeEntity, PostMentionEntity, PostHashtagEntity]),
  ],
  providers: [PostsService, PostEvents, PostsResolver, PostHashtagsRepository],
  exports: [PostsService, PostEvents, PostHashtagsRepository],
})
export class PostsModule implements OnModuleInit {
  constructor(
    private readonly nodes: NodeRegistry,
    private readonly posts: PostsService,
    private readonly accountEvents: AccountEvents,
  ) {}

  onModuleInit(): void {
    this.nodes.register('Post', async (id, context) => {
      const post = await context.loaders.load(this.posts.byId, id);
      if (!post || !(await this.posts.isVisible(context.loaders, post, context.viewer?.id)))
        return undefined;
      return PostModel.from(post);
    });
    this.accountEvents.on('deleting', (manager, { userId }) =>
      this.posts.forgetAccount(manager, userId),
    );
  }
}
