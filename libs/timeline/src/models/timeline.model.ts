import { createUnionType, ObjectType } from '@nestjs/graphql';
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
export class TimelineConnection extends Connection(TimelineItemUnion, 'Timeline') {}
