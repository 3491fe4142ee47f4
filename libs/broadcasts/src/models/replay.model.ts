import { Field, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { DateTimeScalar } from '@app/common';
import { BroadcastCommentModel } from './broadcast-comment.model';

export enum ReplayEventKind {
  COMMENT = 'COMMENT',
  HEARTS = 'HEARTS',
}

registerEnumType(ReplayEventKind, { name: 'ReplayEventKind' });

@ObjectType('Replay', { description: 'The recording of an ended broadcast.' })
export class ReplayModel {
  @Field({
    description:
      'Signed HLS address of the VOD playlist; it expires (REPLAY_URL_TTL_SECONDS): read it again for a later play.',
  })
  playbackUrl!: string;

  @Field(() => Int)
  durationMs!: number;

  @Field(() => DateTimeScalar)
  availableAt!: Date;
}

@ObjectType('ReplayEvent', { description: 'A comment or a burst of hearts, at its offset.' })
export class ReplayEventModel {
  @Field(() => ReplayEventKind)
  kind!: ReplayEventKind;

  @Field(() => Int, { description: 'Milliseconds after the broadcast started.' })
  offsetMs!: number;

  @Field(() => BroadcastCommentModel, { nullable: true, description: 'For COMMENT.' })
  comment!: BroadcastCommentModel | null;

  @Field(() => Int, { nullable: true, description: 'For HEARTS: how many hearts.' })
  hearts!: number | null;
}

@ObjectType('ReplayEventWindow')
export class ReplayEventWindowModel {
  @Field(() => Int)
  fromMs!: number;

  @Field(() => Int)
  toMs!: number;

  @Field(() => [ReplayEventModel], { description: 'In offset order.' })
  events!: ReplayEventModel[];

  @Field({
    description:
      'True when the window held more than `first` events: ask again from the last offset, or with narrower windows.',
  })
  truncated!: boolean;
}
