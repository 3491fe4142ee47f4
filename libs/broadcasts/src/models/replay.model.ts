import { Field, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { DateTimeScalar } from '@app/common';
import { BroadcastCommentModel } from './broadcast-comment.model';

export enum ReplayEventKind {
  COMMENT = 'COMMENT',
  HEARTS = 'HEARTS',
}

registerEnumType(ReplayEventKind, {
  name: 'ReplayEventKind',
  description: 'What a ReplayEvent holds.',
  valuesMap: {
    COMMENT: { description: 'A chat comment: see comment.' },
    HEARTS: { description: 'A burst of hearts: see hearts.' },
  },
});

@ObjectType('Replay', { description: 'The recording of an ended broadcast.' })
export class ReplayModel {
  @Field({
    description:
      'Signed HLS address of the VOD playlist; it expires (REPLAY_URL_TTL_SECONDS): read it again for a later play.',
  })
  playbackUrl!: string;

  @Field(() => Int, { description: 'Length of the recording in milliseconds.' })
  durationMs!: number;

  @Field(() => DateTimeScalar, { description: 'When the replay became available.' })
  availableAt!: Date;
}

@ObjectType('ReplayEvent', { description: 'A comment or a burst of hearts, at its offset.' })
export class ReplayEventModel {
  @Field(() => ReplayEventKind, { description: 'COMMENT or HEARTS.' })
  kind!: ReplayEventKind;

  @Field(() => Int, { description: 'Milliseconds after the broadcast started.' })
  offsetMs!: number;

  @Field(() => BroadcastCommentModel, { nullable: true, description: 'For COMMENT.' })
  comment!: BroadcastCommentModel | null;

  @Field(() => Int, { nullable: true, description: 'For HEARTS: how many hearts.' })
  hearts!: number | null;
}

@ObjectType('ReplayEventWindow', {
  description: 'The chat and hearts of a replay between two offsets.',
})
export class ReplayEventWindowModel {
  @Field(() => Int, {
    description:
      "The window's start in milliseconds after the broadcast started (inclusive), as asked.",
  })
  fromMs!: number;

  @Field(() => Int, { description: "The window's end in milliseconds (exclusive), as asked." })
  toMs!: number;

  @Field(() => [ReplayEventModel], { description: 'In offset order.' })
  events!: ReplayEventModel[];

  @Field({
    description:
      'True when the window held more than `first` events: ask again from the last offset, or with narrower windows.',
  })
  truncated!: boolean;
}
