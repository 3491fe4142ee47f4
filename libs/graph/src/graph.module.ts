import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountEvents, AccountsModule, UserModel } from '@app/accounts';
import { NodeRegistry } from '@app/common';
import { BlockService } from './block.service';
import { BlockEntity } from './entities/block.entity';
import { FollowEntity } from './entities/follow.entity';
import { MuteEntity } from './entities/mute.entity';
import { FollowService } from './follow.service';
import { FollowsRepository } from './follows.repository';
import { GraphEvents } from './graph.events';
import { GraphResolver } from './graph.resolver';
import { RelationshipPolicy } from './relationship.policy';
import { RelationshipsRepository } from './relationships.repository';

@Module({
  imports: [AccountsModule, TypeOrmModule.forFeature([FollowEntity, BlockEntity, MuteEntity])],
  providers: [
    FollowService,
    BlockService,
    RelationshipPolicy,
    RelationshipsRepository,
    FollowsRepository,
    GraphEvents,
    GraphResolver,
  ],
  exports: [
    AccountsModule,
    FollowService,
    BlockService,
    RelationshipPolicy,
    GraphEvents,
    RelationshipsRepository,
    FollowsRepository,
  ],
})
export class GraphModule implements OnModuleInit {
  constructor(
    private readonly nodes: NodeRegistry,
    private readonly policy: RelationshipPolicy,
    private readonly accountEvents: AccountEvents,
    private readonly follows: FollowService,
  ) {}

  onModuleInit(): void {
    this.nodes.register('User', async (id, context) => {
      const user = await this.policy.findVisible(context.loaders, id, context.viewer?.id);
      return user && UserModel.from(user);
    });
    this.accountEvents.on('deleting', (manager, { userId }) =>
      this.follows.forgetAccount(manager, userId),
    );
  }
}
