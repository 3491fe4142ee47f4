import { createUnionType, Field, ObjectType } from '@nestjs/graphql';
import { Connection } from '@app/common';
import { BroadcastModel } from '@app/broadcasts';
import { PostModel } from '@app/posts';

export const TimelineItemUnion = createUnionType({
  name: 'TimelineItem',
  description:
    'An entry of a timeline: a post, or a broadcast card (live, scheduled or a replay). Fields both members have (id, seeIt) have the same type on both, so one selection can ask for them without aliases.',
  types: () => [PostModel, BroadcastModel] as const,
  resolveType: (value: object) => value.constructor,
});

@ObjectType('TimelineConnection', {
  description:
    'A page of a timeline (Relay connection). Its edge cursors page this list only; the live stream resumes with TimelineUpdate.cursor instead.',
})
export class TimelineConnection extends Connection(TimelineItemUnion, 'Timeline') {
  @Field({
    description:
      "Where the live stream stands for this page: pass it as `after` to timelineUpdates, and every change committed after the page was read arrives once, while nothing already on the page is sent again (read in the same snapshot as the page). On homeTimeline this is the list-to-live seam; on User.timeline it is the same position, but timelineUpdates carries the viewer's home timeline only, so it brings that user's changes only when the viewer follows them. A TimelineUpdate.cursor, not an edge cursor.",
  })
  updatesCursor!: string;
}
