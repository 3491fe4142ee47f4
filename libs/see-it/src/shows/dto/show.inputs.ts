import { Field, InputType } from '@nestjs/graphql';
import { DateTimeScalar } from '@app/common';
import { IsOptional, IsString } from 'class-validator';

@InputType({
  description:
    'A new show. Invalid fields are BAD_USER_INPUT naming the field; a taken slug or hashtag is CONFLICT.',
})
export class CreateShowInput {
  @Field({ description: "2 to 60 of a-z, 0-9 and '-'; part of the show's links." })
  @IsString()
  slug!: string;

  @Field({ description: '1 to 140 characters after trimming.' })
  @IsString()
  title!: string;

  @Field({ description: 'The network or channel brand, 1 to 100 characters.' })
  @IsString()
  network!: string;

  @Field({ description: "With or without '#'; unique regardless of case." })
  @IsString()
  hashtag!: string;

  @Field(() => String, { description: 'Up to 1000 characters; optional.', nullable: true })
  @IsOptional()
  @IsString()
  description?: string | null;
}

@InputType({ description: 'One airing of a show.' })
export class AiringInput {
  @Field({ description: 'Where it airs, 1 to 60 characters.' })
  @IsString()
  channel!: string;

  @Field(() => DateTimeScalar, { description: 'When it starts.' })
  startsAt!: Date;

  @Field(() => DateTimeScalar, {
    description: 'After startsAt. Airings of a show on one channel do not overlap.',
  })
  endsAt!: Date;
}
