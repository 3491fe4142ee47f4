import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Connection, DateTimeScalar, Node, toGlobalId } from '@app/common';
import { NotificationEntity, NotificationKind } from '../entities/notification.entity';

registerEnumType(NotificationKind, {
  name: 'NotificationKind',
  description: 'Why a notification was sent.',
  valuesMap: {
    FOLLOWED: { description: 'The actor followed you.' },
    LIKED: { description: 'The actor liked your post: see post.' },
    MENTIONED: { description: 'The actor @mentioned you in a post: see post.' },
    REPLIED: { description: 'The actor replied to your post: see post.' },
    WENT_LIVE: {
      description: 'The actor, whom you follow with notify, went live: see broadcast.',
    },
  },
});

@ObjectType('Notification', {
  description:
    'Something another account did that concerns the signed-in viewer. Only its recipient sees it.',
  implements: () => [Node],
})
export class NotificationModel implements Node {
  @Field(() => ID, { description: 'Global id; node(id:) returns it to its recipient only.' })
  id!: string;

  /** Database ids, for field resolvers; not exposed. */
  rowId!: string;
  recipientId!: string;
  actorId!: string;
  postId!: string | null;
  broadcastId!: string | null;

  @Field(() => NotificationKind, { description: 'What happened.' })
  kind!: NotificationKind;

  @Field(() => DateTimeScalar, { description: 'When it happened.' })
  createdAt!: Date;

  @Field({ description: 'True once markNotificationsRead covered it.' })
  read!: boolean;

  static from(entity: NotificationEntity): NotificationModel {
    return Object.assign(new NotificationModel(), {
      id: toGlobalId('Notification', entity.id),
      rowId: entity.id,
      recipientId: entity.recipientId,
      actorId: entity.actorId,
      postId: entity.postId,
      broadcastId: entity.broadcastId,
      kind: entity.kind,
      createdAt: entity.createdAt,
      read: entity.readAt !== null,
    });
  }
}

@ObjectType('NotificationConnection', {
  description: 'A page of notifications (Relay connection).',
})
export class NotificationConnection extends Connection(NotificationModel, 'Notification') {}
