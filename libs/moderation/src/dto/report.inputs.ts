import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { ConnectionArgs } from '@app/common';
import { ReportStatus } from '../entities/report.entity';
import { ReportTargetInput } from '../report-rules';

/** Checked by reportTarget and parseReason, which name the fields at fault. */
@InputType({
  description:
    'What to report, and why: exactly one of userId, postId, commentId and broadcastId (else BAD_USER_INPUT naming them).',
})
export class ReportInput implements ReportTargetInput {
  @Field(() => ID, { description: 'Global id of an account to report.', nullable: true })
  userId?: string | null;

  @Field(() => ID, { description: 'Global id of a post to report.', nullable: true })
  postId?: string | null;

  @Field(() => ID, { description: 'Global id of a broadcast comment to report.', nullable: true })
  commentId?: string | null;

  @Field(() => ID, { description: 'Global id of a broadcast to report.', nullable: true })
  broadcastId?: string | null;

  @Field({ description: '1 to 500 characters after trimming.' })
  reason!: string;
}

@ArgsType()
export class ReportsArgs extends ConnectionArgs {
  @Field(() => ReportStatus, {
    description: 'Only reports with this status; all when left out.',
    nullable: true,
  })
  status?: ReportStatus | null;
}
