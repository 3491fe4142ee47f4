import { Field, GraphQLISODateTime, ID, ObjectType } from '@nestjs/graphql';
import { Connection } from '@app/common';
import { SeeItModel } from '../../button/models/see-it.model';

@ObjectType('WatchLaterEntry')
export class WatchLaterEntryModel {
  @Field(() => ID)
  id!: string;

  @Field(() => GraphQLISODateTime)
  savedAt!: Date;

  @Field(() => SeeItModel)
  seeIt!: SeeItModel;
}

@ObjectType('WatchLaterConnection')
export class WatchLaterConnection extends Connection(WatchLaterEntryModel, 'WatchLater') {}
