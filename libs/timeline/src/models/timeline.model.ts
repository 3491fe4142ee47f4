import { createUnionType, ObjectType } from '@nestjs/graphql';
import { Connection } from '@app/common';
import { PostModel } from '@app/posts';

export const TimelineItemUnion = createUnionType({
  name: 'TimelineItem',
  types: () => [PostModel] as const,
  resolveType: (value: object) => value.constructor,
});

@ObjectType('TimelineConnection')
export class TimelineConnection extends Connection(TimelineItemUnion, 'Timeline') {}
