import { Field, InputType } from '@nestjs/graphql';
import { DateTimeScalar } from '@app/common';
import { IsOptional, IsString } from 'class-validator';

@InputType()
export class CreateShowInput {
  @Field({ description: "2 to 60 of a-z, 0-9 and '-'; part of the show's links." })
  @IsString()
  slug!: string;

  @Field()
  @IsString()
  title!: string;

  @Field()
  @IsString()
  network!: string;

  @Field({ description: "With or without '#'; unique regardless of case." })
  @IsString()
  hashtag!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  description?: string | null;
}

@InputType()
export class AiringInput {
  @Field()
  @IsString()
  channel!: string;

  @Field(() => DateTimeScalar)
  startsAt!: Date;

  @Field(() => DateTimeScalar, {
    description: 'After startsAt. Airings of a show on one channel do not overlap.',
  })
  endsAt!: Date;
}
