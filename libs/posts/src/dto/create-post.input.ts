import { Field, ID, InputType } from '@nestjs/graphql';
import { IsString } from 'class-validator';

@InputType()
export class CreatePostInput {
  @Field({
    description: '1 to 280 characters after trimming; #hashtags and @mentions are extracted.',
  })
  @IsString()
  text!: string;

  @Field(() => ID, { nullable: true })
  replyToId?: string;

  @Field(() => ID, { nullable: true })
  broadcastId?: string;
}
