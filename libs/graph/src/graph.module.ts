import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountEvents, AccountsModule, AccountsService, UserModel } from '@app/accounts';
import { NodeRegistry } from '@app/common';
import { BlockService } from './block.service';
import { BlockEntity } from './entities/block.entity';
import { FollowEntity } from './entities/follow.entity';
import { MuteEntity } from './entities/mute.entity';
import { FollowService } from './follow.service';
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
    GraphEvents,
    GraphResolver,
  ],
  exports: [AccountsModule, FollowService, BlockService, RelationshipPolicy, GraphEvents],
})
export class GraphModule implements OnModuleInit {
  constructor(
    private readonly nodes: NodeRegistry,
    private readonly accounts: AccountsService,
    private readonly policy: RelationshipPolicy,
    private readonly accountEvents: AccountEvents,
    private readonly follows: FollowService,
  ) {}

  onModuleInit(): void {
    this.nodes.register('User', async (id, context) => {
      const user = await context.loaders.load(this.accounts.byId, id);
      if (!user || (await this.policy.isHiddenFrom(context.loaders, id, context.viewer?.id))) {
        return undefined;
      }
      return UserModel.from(user);
    });
    this.accountEvents.on('deleting', (manager, { userId }) =>
      this.follows.forgetAccount(manager, userId),
    );
  }
}
