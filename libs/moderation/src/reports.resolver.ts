import { Args, Context, ID, Mutation, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { UserModel } from '@app/accounts';
import { BroadcastCommentModel, BroadcastModel } from '@app/broadcasts';
import {
  Authenticated,
  CurrentViewer,
  GlobalIdPipe,
  mapConnection,
  RequestContext,
  RequestLoaders,
  Role,
  Viewer,
} from '@app/common';
import { PostModel } from '@app/posts';
import { ReportInput, ReportsArgs } from './dto/report.inputs';
import { ReportStatus } from './entities/report.entity';
import { ReportConnection, ReportModel } from './models/report.model';
import { reportTarget } from './report-rules';
import { ReportsService } from './reports.service';

/**
 * A field only admins see: null for everyone else (the reporter included, who knows what they
 * reported; showing it later could show past a block since made), and when the row is gone.
 */
async function forAdmins<E, M>(
  context: RequestContext,
  id: string | null,
  load: (loaders: RequestLoaders, id: string) => Promise<E | undefined>,
  toModel: (entity: E) => M,
): Promise<M | null> {
  if (context.viewer?.role !== Role.ADMIN || id === null) return null;
  const entity = await load(context.loaders, id);
  return entity === undefined ? null : toModel(entity);
}

@Resolver(() => ReportModel)
export class ReportsResolver {
  constructor(private readonly service: ReportsService) {}

  @Mutation(() => ReportModel, {
    description:
      'Reports something to the admins and returns the report. BAD_USER_INPUT for a bad target or reason, or for reporting yourself or your own content; NOT_FOUND when the target does not exist or is hidden from you; RATE_LIMITED when reporting too often; UNAUTHENTICATED when signed out.',
  })
  @Authenticated()
  async report(
    @Args('input', { description: 'The report.' }) input: ReportInput,
    @CurrentViewer() viewer: Viewer,
    @Context() context: RequestContext,
  ): Promise<ReportModel> {
    const report = await this.service.report(
      viewer,
      reportTarget(input),
      input.reason,
      context.loaders,
    );
    return ReportModel.from(report);
  }

  @Query(() => ReportConnection, {
    description:
      'Admins only: reports, newest first. FORBIDDEN for anyone else; UNAUTHENTICATED when signed out.',
  })
  @Authenticated(Role.ADMIN)
  async reports(
    @Args() args: ReportsArgs,
    @Context() context: RequestContext,
  ): Promise<ReportConnection> {
    return mapConnection(
      await this.service.list(args.status ?? undefined, args, context.loaders),
      (report) => ReportModel.from(report),
    );
  }

  @Mutation(() => ReportModel, {
    description: 'Admins only: decides an OPEN report and returns it. FORBIDDEN for anyone else.',
  })
  @Authenticated(Role.ADMIN)
  async resolveReport(
    @Args(
      'id',
      {
        description:
          'Global id of the report; NOT_FOUND when unknown, CONFLICT when already resolved.',
        type: () => ID,
      },
      new GlobalIdPipe('Report'),
    )
    id: string,
    @Args('status', {
      description: 'ACTIONED or DISMISSED (OPEN is BAD_USER_INPUT).',
      type: () => ReportStatus,
    })
    status: ReportStatus,
    @CurrentViewer() viewer: Viewer,
  ): Promise<ReportModel> {
    return ReportModel.from(await this.service.resolve(viewer, id, status));
  }

  @ResolveField(() => UserModel, {
    nullable: true,
    description: 'Admins only: who reported and what.',
  })
  reporter(
    report: ReportModel,
    _args: unknown,
    context: RequestContext,
  ): Promise<UserModel | null> {
    return forAdmins(
      context,
      report.reporterId,
      (loaders, id) => this.service.userForAdmin(loaders, id),
      (user) => UserModel.from(user),
    );
  }

  @ResolveField(() => UserModel, {
    description:
      'Admins only: the account reported; null otherwise, or when it reports something else.',
    nullable: true,
  })
  user(report: ReportModel, _args: unknown, context: RequestContext): Promise<UserModel | null> {
    return forAdmins(
      context,
      report.userId,
      (loaders, id) => this.service.userForAdmin(loaders, id),
      (user) => UserModel.from(user),
    );
  }

  @ResolveField(() => PostModel, {
    description:
      'Admins only: the post reported; null otherwise, or when it reports something else.',
    nullable: true,
  })
  post(report: ReportModel, _args: unknown, context: RequestContext): Promise<PostModel | null> {
    return forAdmins(
      context,
      report.postId,
      (loaders, id) => this.service.postForAdmin(loaders, id),
      (post) => PostModel.from(post),
    );
  }

  @ResolveField(() => BroadcastCommentModel, {
    description:
      'Admins only: the comment reported; null otherwise, or when it reports something else.',
    nullable: true,
  })
  comment(
    report: ReportModel,
    _args: unknown,
    context: RequestContext,
  ): Promise<BroadcastCommentModel | null> {
    return forAdmins(
      context,
      report.commentId,
      (loaders, id) => this.service.commentForAdmin(loaders, id),
      (comment) => BroadcastCommentModel.from(comment),
    );
  }

  @ResolveField(() => BroadcastModel, {
    description:
      'Admins only: the broadcast reported; null otherwise, or when it reports something else.',
    nullable: true,
  })
  broadcast(
    report: ReportModel,
    _args: unknown,
    context: RequestContext,
  ): Promise<BroadcastModel | null> {
    return forAdmins(
      context,
      report.broadcastId,
      (loaders, id) => this.service.broadcastForAdmin(loaders, id),
      (broadcast) => BroadcastModel.from(broadcast),
    );
  }
}
