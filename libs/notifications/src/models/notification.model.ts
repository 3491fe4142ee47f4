import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Connection, DateTimeScalar, Node, toGlobalId } from '@app/common';
import { NotificationEntity, NotificationKind } from '../entities/notification.entity';

registerEnumType(NotificationKind, { name: 'NotificationKind' });

@ObjectType('Notification', { implements: () => [Node] })
export class NotificationModel implements Node {
  @Field(() => ID)
  id!: string;

  /** Database ids, for field resolvers; not exposed. */
  rowId!: string;
  recipientId!: string;
  actorId!: string;
  postId!: string | null;
  broadcastId!: string | null;

  @Field(() => NotificationKind)
  kind!: NotificationKind;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field()
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

@ObjectType('NotificationConnection')
export class NotificationConnection extends Connection(NotificationModel, 'Notification') {}
