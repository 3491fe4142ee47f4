import { Field, Int, ObjectType } from '@nestjs/graphql';
import { DateTimeScalar } from '@app/common';
import { BroadcastEntity } from '../entities/broadcast.entity';
import type { PublicBroadcast } from '../public-broadcast';
import { BroadcastCommentEntity } from '../entities/broadcast-comment.entity';
import { BroadcastEventKind } from './broadcast-enums';
import { BroadcastCommentModel } from './broadcast-comment.model';
import { BroadcastModel } from './broadcast.model';

@ObjectType('BroadcastEvent', {
  description: 'One change to a broadcast, pushed to everyone watching it.',
})
export class BroadcastEventModel {
  @Field(() => BroadcastEventKind, { description: 'What happened.' })
  kind!: BroadcastEventKind;

  @Field(() => BroadcastModel, { description: 'The broadcast as it is after this event.' })
  broadcast!: BroadcastModel;

  @Field(() => Int, { description: 'Viewers watching now.' })
  viewerCount!: number;

  @Field(() => Int, { description: 'Hearts received in all so far.' })
  heartCount!: number;

  @Field(() => Int, {
    description: 'Hearts received since the previous HEARTS event (hearts are batched).',
  })
  heartsDelta!: number;

  @Field(() => BroadcastCommentModel, {
    description: 'The comment posted (COMMENT) or removed (COMMENT_REMOVED); null for other kinds.',
    nullable: true,
  })
  comment!: BroadcastCommentModel | null;

  @Field(() => DateTimeScalar, { description: 'When it happened.' })
  at!: Date;

  static from(event: {
    kind: BroadcastEventKind;
    broadcast: BroadcastEntity | PublicBroadcast;
    comment: BroadcastCommentEntity | null;
    heartsDelta: number;
    at: Date;
  }): BroadcastEventModel {
    const broadcast = BroadcastModel.from(event.broadcast);
    return Object.assign(new BroadcastEventModel(), {
      kind: event.kind,
      broadcast,
      viewerCount: broadcast.viewerCount,
      heartCount: broadcast.heartCount,
      heartsDelta: event.heartsDelta,
      comment: event.comment ? BroadcastCommentModel.from(event.comment, broadcast) : null,
      at: event.at,
    });
  }
}
