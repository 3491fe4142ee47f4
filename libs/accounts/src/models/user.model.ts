import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { DateTimeScalar, Node, Role, toGlobalId } from '@app/common';
import { UserEntity } from '../user.entity';

registerEnumType(Role, { name: 'Role' });

/** The public face of an account. Never carries the email or the password hash. */
@ObjectType('User', { implements: () => [Node] })
export class UserModel implements Node {
  @Field(() => ID)
  id!: string;

  /** Database id, for field resolvers; not exposed. */
  rowId!: string;

  @Field()
  handle!: string;

  @Field()
  displayName!: string;

  @Field(() => String, { nullable: true })
  bio!: string | null;

  @Field(() => String, { nullable: true })
  avatarUrl!: string | null;

  @Field(() => Role)
  role!: Role;

  @Field()
  suspended!: boolean;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => Int)
  followersCount!: number;

  @Field(() => Int)
  followingCount!: number;

  @Field(() => Int)
  postsCount!: number;

  static from(entity: UserEntity): UserModel {
    return Object.assign(new UserModel(), {
      id: toGlobalId('User', entity.id),
      rowId: entity.id,
      handle: entity.handle,
      displayName: entity.displayName,
      bio: entity.bio,
      avatarUrl: entity.avatarUrl,
      role: entity.role,
      suspended: entity.suspendedAt !== null,
      createdAt: entity.createdAt,
      followersCount: entity.followersCount,
      followingCount: entity.followingCount,
      postsCount: entity.postsCount,
    });
  }
}

@ObjectType('AuthPayload')
export class AuthPayloadModel {
  @Field({
    description:
      'Bearer token for the Authorization header and the websocket connection_init payload.',
  })
  token!: string;

  @Field(() => UserModel)
  user!: UserModel;
}
