import { createUnionType, ObjectType } from '@nestjs/graphql';
import { Connection } from '@app/common';
import { BroadcastModel } from '@app/broadcasts';
import { PostModel } from '@app/posts';

export const TimelineItemUnion = createUnionType({
  name: 'TimelineItem',
  types: () => [PostModel, BroadcastModel] as const,
  resolveType: (value: object) => value.constructor,
});

@ObjectType('TimelineConnection')
export class TimelineConnection extends Connection(TimelineItemUnion, 'Timeline') {}
