import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Connection, DateTimeScalar } from '@app/common';
import { SeeItModel } from '../../button/models/see-it.model';

@ObjectType('WatchLaterEntry')
export class WatchLaterEntryModel {
  @Field(() => ID)
  id!: string;

  @Field(() => DateTimeScalar)
  savedAt!: Date;

  @Field(() => SeeItModel)
  seeIt!: SeeItModel;
}

@ObjectType('WatchLaterConnection')
export class WatchLaterConnection extends Connection(WatchLaterEntryModel, 'WatchLater') {}
