import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Connection, DateTimeScalar, Node, toGlobalId } from '@app/common';
import { ReportEntity, ReportStatus } from '../entities/report.entity';

registerEnumType(ReportStatus, { name: 'ReportStatus' });

/** A report as the API shows it; who reported and what are field resolvers, for admins only. */
@ObjectType('Report', { implements: () => [Node] })
export class ReportModel implements Node {
  @Field(() => ID)
  id!: string;

  /** Database ids, for field resolvers; not exposed. */
  rowId!: string;
  reporterId!: string;
  userId!: string | null;
  postId!: string | null;
  commentId!: string | null;
  broadcastId!: string | null;

  @Field()
  reason!: string;

  @Field(() => ReportStatus)
  status!: ReportStatus;

  @Field(() => DateTimeScalar)
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

@ObjectType('ReportConnection')
export class ReportConnection extends Connection(ReportModel, 'Report') {}
