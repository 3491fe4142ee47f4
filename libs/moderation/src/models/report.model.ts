import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Connection, DateTimeScalar, Node, toGlobalId } from '@app/common';
import { ReportEntity, ReportStatus } from '../entities/report.entity';

registerEnumType(ReportStatus, {
  name: 'ReportStatus',
  description: 'Where a report stands.',
  valuesMap: {
    OPEN: { description: 'Filed, waiting for an admin.' },
    ACTIONED: { description: 'An admin acted on it.' },
    DISMISSED: { description: 'An admin found nothing to act on.' },
  },
});

/** A report as the API shows it; who reported and what are field resolvers, for admins only. */
@ObjectType('Report', {
  description:
    'A report of an account, post, comment or broadcast to the admins. Seen by admins and by its reporter.',
  implements: () => [Node],
})
export class ReportModel implements Node {
  @Field(() => ID, {
    description: 'Global id; node(id:) returns it to admins and its reporter only.',
  })
  id!: string;

  /** Database ids, for field resolvers; not exposed. */
  rowId!: string;
  reporterId!: string;
  userId!: string | null;
  postId!: string | null;
  commentId!: string | null;
  broadcastId!: string | null;

  @Field({ description: 'Why it was reported, 1 to 500 characters.' })
  reason!: string;

  @Field(() => ReportStatus, { description: 'OPEN until an admin resolves it.' })
  status!: ReportStatus;

  @Field(() => DateTimeScalar, { description: 'When it was filed.' })
  createdAt!: Date;

  static from(entity: ReportEntity): ReportModel {
    return Object.assign(new ReportModel(), {
      id: toGlobalId('Report', entity.id),
      rowId: entity.id,
      reporterId: entity.reporterId,
      userId: entity.userId,
      postId: entity.postId,
      commentId: entity.commentId,
      broadcastId: entity.broadcastId,
      reason: entity.reason,
      status: entity.status,
      createdAt: entity.createdAt,
    });
  }
}

@ObjectType('ReportConnection', { description: 'A page of reports (Relay connection).' })
export class ReportConnection extends Connection(ReportModel, 'Report') {}
