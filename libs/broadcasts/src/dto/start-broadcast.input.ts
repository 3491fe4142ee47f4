import { Field, InputType } from '@nestjs/graphql';
import { DateTimeScalar } from '@app/common';
import { BroadcastVisibility, ChatMode } from '../models/broadcast-enums';

/** Checked by the service (title length in code points, as PostgreSQL counts). */
@InputType('StartBroadcastInput')
export class StartBroadcastInput {
  @Field()
  title!: string;

  @Field(() => BroadcastVisibility, { nullable: true })
  visibility?: BroadcastVisibility | null;

  @Field(() => ChatMode, { nullable: true })
  chatMode?: ChatMode | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When set in the future, the broadcast is SCHEDULED and goes LIVE later.',
  })
  scheduledFor?: Date | null;
}
