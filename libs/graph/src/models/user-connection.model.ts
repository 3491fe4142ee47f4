import { ObjectType } from '@nestjs/graphql';
import { UserModel } from '@app/accounts';
import { Connection } from '@app/common';

@ObjectType('UserConnection')
export class UserConnection extends Connection(UserModel, 'User') {}
