import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType('SeeItResult', { description: 'What a See it tap did.' })
export class SeeItResultModel {
  @Field(() => String, {
    nullable: true,
    description: "The link for the action's target; null for LATER.",
  })
  url!: string | null;

  @Field({
    description: 'True for LATER: it is on the watch-later list (saving twice keeps one entry).',
  })
  savedForLater!: boolean;

  @Field({ description: 'True when a paired screen was told to start playing.' })
  sentToDevice!: boolean;
}
