import { Field, ID, InputType } from '@nestjs/graphql';
import { IsEnum } from 'class-validator';
import { SeeItAction } from '../../see-it.enums';

@InputType({
  description: 'A tap on a See it button. A bad combination is BAD_USER_INPUT naming the field.',
})
export class SeeItInput {
  @Field(() => ID, { nullable: true, description: 'Exactly one of showId and broadcastId.' })
  showId?: string | null;

  @Field(() => ID, { description: 'Exactly one of showId and broadcastId.', nullable: true })
  broadcastId?: string | null;

  @Field(() => SeeItAction, { description: 'Open on a kind of screen, or LATER to save.' })
  @IsEnum(SeeItAction)
  action!: SeeItAction;

  @Field(() => ID, {
    nullable: true,
    description: 'A paired screen that should start playing it now.',
  })
  deviceId?: string | null;
}
