import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { DateTimeScalar, Node, Role, toGlobalId } from '@app/common';
import { UserEntity } from '../user.entity';

registerEnumType(Role, {
  name: 'Role',
  description: 'What an account may do beyond posting and watching.',
  valuesMap: {
    MEMBER: { description: 'An ordinary account.' },
    PARTNER: { description: 'A network or publisher: may also create shows and add airings.' },
    ADMIN: { description: 'Moderates: reports, roles, suspensions, deleting content.' },
  },
});

/** The public face of an account. Never carries the email or the password hash. */
@ObjectType('User', {
  description:
    'An account: a member, a partner (a network that publishes shows) or an admin. Invisible (null, or left out of lists) to an account it blocked, and to everyone once suspended.',
  implements: () => [Node],
})
export class UserModel implements Node {
  @Field(() => ID, { description: 'Global id; node(id:) returns this user.' })
  id!: string;

  /** Database id, for field resolvers; not exposed. */
  rowId!: string;

  @Field({
    description:
      "Unique name without '@': 3 to 30 letters, digits or underscores; matched in any case.",
  })
  handle!: string;

  @Field({ description: 'The name shown, 1 to 50 characters.' })
  displayName!: string;

  @Field(() => String, { description: 'Up to 160 characters; null when not set.', nullable: true })
  bio!: string | null;

  @Field(() => String, {
    description: 'An http(s) URL of the profile picture; null when not set.',
    nullable: true,
  })
  avatarUrl!: string | null;

  @Field(() => Role, { description: 'MEMBER, PARTNER (may create shows) or ADMIN (moderates).' })
  role!: Role;

  @Field({
    description:
      'True once an admin suspended the account: it cannot sign in and its content is hidden.',
  })
  suspended!: boolean;

  @Field(() => DateTimeScalar, { description: 'When the account signed up.' })
  createdAt!: Date;

  @Field(() => Int, { description: 'How many accounts follow this user.' })
  followersCount!: number;

  @Field(() => Int, { description: 'How many accounts this user follows.' })
  followingCount!: number;

  @Field(() => Int, { description: 'How many posts this user has made, replies included.' })
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

@ObjectType('AuthPayload', {
  description: 'A signed-in session: the token to send and the account it is for.',
})
export class AuthPayloadModel {
  @Field({
    description:
      'Bearer token for the Authorization header and the websocket connection_init payload.',
  })
  token!: string;

  @Field(() => UserModel, { description: 'The account the token signs in.' })
  user!: UserModel;

  static from(session: { token: string; user: UserEntity }): AuthPayloadModel {
    return Object.assign(new AuthPayloadModel(), {
      token: session.token,
      user: UserModel.from(session.user),
    });
  }
}
