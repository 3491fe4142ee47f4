import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Connection, DateTimeScalar, Node, toGlobalId } from '@app/common';
import { BroadcastCommentEntity } from '../entities/broadcast-comment.entity';
import { BroadcastModel } from './broadcast.model';

@ObjectType('BroadcastComment', { implements: () => [Node] })
export class BroadcastCommentModel implements Node {
  @Field(() => ID)
  id!: string;

  /** Database ids, for field resolvers; not exposed. */
  rowId!: string;
  broadcastId!: string;
  authorId!: string;
  /** The broadcast when already in hand (an event carries it), so it is not loaded again. */
  broadcast?: BroadcastModel;

  @Field()
  text!: string;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => Int, {
    description:
      'Milliseconds after the broadcast started, to replay the chat in step with the video.',
  })
  offsetMs!: number;

  static from(entity: BroadcastCommentEntity, broadcast?: BroadcastModel): BroadcastCommentModel {
    return Object.assign(new BroadcastCommentModel(), {
      id: toGlobalId('BroadcastComment', entity.id),
      rowId: entity.id,
      broadcastId: entity.broadcastId,
      authorId: entity.authorId,
      broadcast,
      text: entity.text,
      createdAt: entity.createdAt,
      offsetMs: entity.offsetMs,
    });
  }
}

@ObjectType('BroadcastCommentConnection')
export class BroadcastCommentConnection extends Connection(
  BroadcastCommentModel,
  'BroadcastComment',
) {}
