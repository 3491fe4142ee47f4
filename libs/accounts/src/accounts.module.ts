import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsResolver } from './accounts.resolver';
import { AccountsService } from './accounts.service';
import { AuthService } from './auth.service';
import { UserEntity } from './user.entity';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity])],
  providers: [AccountsService, AuthService, AccountsResolver],
  exports: [AccountsService, AuthService],
})
export class AccountsModule {}
