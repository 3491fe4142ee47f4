import { ObjectType } from '@nestjs/graphql';
import { UserModel } from '@app/accounts';
import { Connection } from '@app/common';

@ObjectType('UserConnection', { description: 'A page of accounts (Relay connection).' })
export class UserConnection extends Connection(UserModel, 'User') {}
