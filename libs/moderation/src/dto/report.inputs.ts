import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { ConnectionArgs } from '@app/common';
import { ReportStatus } from '../entities/report.entity';
import { ReportTargetInput } from '../report-rules';

/** Checked by reportTarget and parseReason, which name the fields at fault. */
@InputType()
export class ReportInput implements ReportTargetInput {
  @Field(() => ID, { nullable: true })
  userId?: string | null;

  @Field(() => ID, { nullable: true })
  postId?: string | null;

  @Field(() => ID, { nullable: true })
  commentId?: string | null;

  @Field(() => ID, { nullable: true })
  broadcastId?: string | null;

  @Field()
  reason!: string;
}

@ArgsType()
export class ReportsArgs extends ConnectionArgs {
  @Field(() => ReportStatus, { nullable: true })
  status?: ReportStatus | null;
}
