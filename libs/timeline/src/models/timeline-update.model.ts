import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { TimelineItemUnion } from './timeline.model';

/** The API's kinds: the stored ones plus RESYNC, which is never stored. */
export enum TimelineUpdateKindModel {
  ADDED = 'ADDED',
  NOW_LIVE = 'NOW_LIVE',
  ENDED = 'ENDED',
  REMOVED = 'REMOVED',
  UPDATED = 'UPDATED',
  RESYNC = 'RESYNC',
}

registerEnumType(TimelineUpdateKindModel, {
  name: 'TimelineUpdateKind',
  description: 'What a TimelineUpdate says happened.',
  valuesMap: {
    ADDED: { description: 'A new post or broadcast entered the timeline.' },
    NOW_LIVE: { description: "A followed account went live: the 'now live' card." },
    ENDED: { description: 'A broadcast in the timeline ended (its card becomes a replay card).' },
    REMOVED: { description: 'An item left the timeline (deleted, unfollowed, blocked).' },
    UPDATED: {
      description:
        "An item changed in place: a broadcast's replay became available or was deleted.",
    },
    RESYNC: {
      description:
        'The `after` cursor is older than the kept history: reload the timeline, then resume from its updatesCursor.',
    },
  },
});

@ObjectType('TimelineUpdate', {
  description: "One change to the signed-in viewer's home timeline, pushed by timelineUpdates.",
})
export class TimelineUpdateModel {
  @Field(() => TimelineUpdateKindModel, { description: 'What happened.' })
  kind!: TimelineUpdateKindModel;

  @Field({
    description:
      'Resume point: pass it as `after` to timelineUpdates to miss nothing after a reconnect. A position in the stream of updates, not in the list: it is not a TimelineEdge.cursor, and homeTimeline(after:) does not take it (nor does timelineUpdates take an edge cursor).',
  })
  cursor!: string;

  @Field(() => TimelineItemUnion, {
    description:
      'The post or broadcast as it is now; null for RESYNC, and when it is gone or hidden from the viewer (as for REMOVED).',
    nullable: true,
  })
  item!: object | null;

  @Field(() => ID, { nullable: true, description: "The item's id; null only for RESYNC." })
  itemId!: string | null;
}
