import { Field, ID, InputType } from '@nestjs/graphql';
import { IsString } from 'class-validator';

@InputType({ description: 'A new post; with replyToId, a reply.' })
export class CreatePostInput {
  @Field({
    description: '1 to 280 characters after trimming; #hashtags and @mentions are extracted.',
  })
  @IsString()
  text!: string;

  @Field(() => ID, {
    description:
      'Global id of the post this replies to; NOT_FOUND when it does not exist or is hidden from you.',
    nullable: true,
  })
  replyToId?: string;

  @Field(() => ID, {
    description: 'Global id of a broadcast to share; NOT_FOUND when you cannot see it.',
    nullable: true,
  })
  broadcastId?: string;
}
