import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Connection, DateTimeScalar, Node, toGlobalId } from '@app/common';
import { SeeItModel } from '../../button/models/see-it.model';
import { WatchLaterItem } from '../watch-later.repository';

@ObjectType('WatchLaterEntry', {
  description:
    'A show or broadcast the signed-in account saved with a LATER tap. Only its owner sees it.',
  implements: () => [Node],
})
export class WatchLaterEntryModel implements Node {
  @Field(() => ID, {
    description:
      'Global id; node(id:) returns it to its owner only. Use it with removeFromWatchLater.',
  })
  id!: string;

  @Field(() => DateTimeScalar, { description: 'When it was saved.' })
  savedAt!: Date;

  @Field(() => SeeItModel, { description: 'The button of what was saved.' })
  seeIt!: SeeItModel;

  static from(row: WatchLaterItem, seeIt: SeeItModel): WatchLaterEntryModel {
    return Object.assign(new WatchLaterEntryModel(), {
      id: toGlobalId('WatchLaterEntry', row.id),
      savedAt: row.savedAt,
      seeIt,
    });
  }
}

@ObjectType('WatchLaterConnection', {
  description: 'A page of watch-later entries (Relay connection).',
})
export class WatchLaterConnection extends Connection(WatchLaterEntryModel, 'WatchLater') {}
