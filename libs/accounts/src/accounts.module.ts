import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountEvents } from './account.events';
import { AccountsResolver } from './accounts.resolver';
import { AccountsService } from './accounts.service';
import { AdminGrantEntity } from './admin-grant.entity';
import { AuthService } from './auth.service';
import { UserEntity } from './user.entity';
import { UsersRepository } from './users.repository';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, AdminGrantEntity])],
  providers: [AccountsService, AuthService, AccountEvents, AccountsResolver, UsersRepository],
  exports: [AccountsService, AuthService, AccountEvents, UsersRepository],
})
export class AccountsModule {}
