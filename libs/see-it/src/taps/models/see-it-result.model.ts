import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType('SeeItResult')
export class SeeItResultModel {
  @Field(() => String, {
    nullable: true,
    description: "The link for the action's target; null for LATER.",
  })
  url!: string | null;

  @Field()
  savedForLater!: boolean;

  @Field({ description: 'True when a paired screen was told to start playing.' })
  sentToDevice!: boolean;
}
