import { Field, InputType } from '@nestjs/graphql';
import { DateTimeScalar } from '@app/common';
import { BroadcastVisibility, ChatMode } from '../models/broadcast-enums';

/** Checked by the service (title length in code points, as PostgreSQL counts). */
@InputType('StartBroadcastInput', {
  description:
    'A new broadcast, live now or scheduled. A bad title is BAD_USER_INPUT naming input.title.',
})
export class StartBroadcastInput {
  @Field({ description: '1 to 140 characters after trimming.' })
  title!: string;

  @Field(() => BroadcastVisibility, {
    description: 'Who may see it; PUBLIC when left out.',
    nullable: true,
  })
  visibility?: BroadcastVisibility | null;

  @Field(() => ChatMode, {
    description: 'Who may comment; EVERYONE when left out.',
    nullable: true,
  })
  chatMode?: ChatMode | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When set in the future, the broadcast is SCHEDULED and goes LIVE later.',
  })
  scheduledFor?: Date | null;
}
