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
import { PostLikesRepository } from './post-likes.repository';
import { PostMentionsRepository } from './post-mentions.repository';
import { PostModel } from './models/post.model';
import { PostEvents } from './posts.events';
import { PostsResolver } from './posts.resolver';
import { PostsRepository } from './posts.repository';
import { PostsService } from './posts.service';

@Module({
  imports: [
    GraphModule,
    BroadcastsModule,
    TypeOrmModule.forFeature([PostEntity, PostLikeEntity, PostMentionEntity, PostHashtagEntity]),
  ],
  providers: [
    PostsService,
    PostsRepository,
    PostLikesRepository,
    PostMentionsRepository,
    PostEvents,
    PostsResolver,
  ],
  exports: [PostsService, PostsRepository, PostEvents],
})
export class PostsModule implements OnModuleInit {
  constructor(
    private readonly nodes: NodeRegistry,
    private readonly posts: PostsService,
    private readonly accountEvents: AccountEvents,
  ) {}

  onModuleInit(): void {
    this.nodes.register('Post', async (id, context) => {
      const post = await this.posts.findVisible(context.loaders, id, context.viewer?.id);
      return post && PostModel.from(post);
    });
    this.accountEvents.on('deleting', (manager, { userId }) =>
      this.posts.forgetAccount(manager, userId),
    );
  }
}
