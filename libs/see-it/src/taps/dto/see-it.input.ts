import { Field, ID, InputType } from '@nestjs/graphql';
import { IsEnum } from 'class-validator';
import { SeeItAction } from '../../see-it.enums';

@InputType()
export class SeeItInput {
  @Field(() => ID, { nullable: true, description: 'Exactly one of showId and broadcastId.' })
  showId?: string | null;

  @Field(() => ID, { nullable: true })
  broadcastId?: string | null;

  @Field(() => SeeItAction)
  @IsEnum(SeeItAction)
  action!: SeeItAction;

  @Field(() => ID, {
    nullable: true,
    description: 'A paired screen that should start playing it now.',
  })
  deviceId?: string | null;
}
