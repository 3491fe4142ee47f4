import { Injectable } from '@nestjs/common';
import { AccountsService, UserEntity } from '@app/accounts';
import { BroadcastCommentEntity, BroadcastEntity, BroadcastsService } from '@app/broadcasts';
import {
  canModerate,
  ConflictError,
  ConnectionArgs,
  ConnectionShape,
  InvalidInputError,
  NotFoundError,
  RateLimits,
  RequestLoaders,
  Viewer,
  defineRowLoader,
} from '@app/common';
import { translateConstraints } from '@app/database';
import { RelationshipPolicy } from '@app/graph';
import { PostEntity, PostsService } from '@app/posts';
import { ReportEntity, ReportStatus, ReportTargetKind } from './entities/report.entity';
import { assertResolution, parseReason, ReportTarget } from './report-rules';
import { ReportsRepository } from './reports.repository';

/** What each kind of target is called in messages. */
const NOUN: Record<ReportTargetKind, string> = {
  [ReportTargetKind.USER]: 'user',
  [ReportTargetKind.POST]: 'post',
  [ReportTargetKind.COMMENT]: 'comment',
  [ReportTargetKind.BROADCAST]: 'broadcast',
};

/** The foreign keys a new report can violate: its reporter or its target is gone. */
const REPORT_FOREIGN_KEYS = [
  'reports_reporter_fk',
  'reports_user_fk',
  'reports_post_fk',
  'reports_comment_fk',
  'reports_broadcast_fk',
];

/**
 * Reports: members file them against what they can see; admins read the queue and decide. Who
 * reported and what is for admins only; the reporter sees their report's reason and status.
 */
@Injectable()
export class ReportsService {
  /** Reports by id, whoever filed them; callers apply `maySee`. */
  readonly byId = defineRowLoader<ReportEntity>(
    'reportsById',
    (ids) => this.reports.findByIds(ids),
    (row) => row.id,
  );

  constructor(
    private readonly reports: ReportsRepository,
    private readonly accounts: AccountsService,
    private readonly policy: RelationshipPolicy,
    private readonly posts: PostsService,
    private readonly broadcasts: BroadcastsService,
    private readonly limits: RateLimits,
  ) {}

  /**
   * Files a report of a target the reporter can see (NOT_FOUND otherwise; their own is
   * BAD_USER_INPUT). Reporting again what they already reported, while that report is OPEN,
   * returns it unchanged: admins get one report per reporter and target, however often they tap.
   */
  async report(
    viewer: Viewer,
    target: ReportTarget,
    rawReason: string,
    loaders: RequestLoaders,
  ): Promise<ReportEntity> {
    const reason = parseReason(rawReason);
    // Per reporter, counted before any lookup: probing for hidden targets costs quota too.
    await this.limits.consume(
      'reports',
      viewer.id,
      'You have sent many reports recently. Wait a while before sending more.',
    );
    if ((await this.visibleOwner(loaders, viewer.id, target)) === viewer.id) {
      const what =
        target.kind === ReportTargetKind.USER ? 'yourself' : `your own ${NOUN[target.kind]}`;
      throw InvalidInputError.field(target.field, `you cannot report ${what}`);
    }
    // The target was deleted since it was looked up.
    const gone = () => new NotFoundError(`The ${NOUN[target.kind]}`);
    return translateConstraints(
      () =>
        this.reports.fileOrFindOpen({
          reporterId: viewer.id,
          targetKind: target.kind,
          targetId: target.id,
          reason,
        }),
      Object.fromEntries(REPORT_FOREIGN_KEYS.map((name) => [name, gone])),
    );
  }

  /** The admin queue, newest first. */
  async list(
    status: ReportStatus | undefined,
    args: ConnectionArgs,
    loaders: RequestLoaders,
  ): Promise<ConnectionShape<ReportEntity>> {
    const page = await this.reports.page(status, args);
    await this.loadTargets(
      loaders,
      page.edges.map((edge) => edge.node),
    );
    return page;
  }

  /**
   * An admin decides an OPEN report. Deciding it again the same way returns it as it is; the other
   * way is a CONFLICT, so one admin never silently overturns another's decision.
   */
  async resolve(admin: Viewer, id: string, status: ReportStatus): Promise<ReportEntity> {
    assertResolution(status);
    const updated = await this.reports.resolveOpen(id, status, admin.id);
    if (updated) return updated;
    const [current] = await this.reports.findByIds([id]);
    if (!current) throw new NotFoundError('The report');
    if (current.status !== status) {
      throw new ConflictError(`This report was already resolved as ${current.status}.`);
    }
    return current;
  }

  /** Admins see every report; a reporter sees their own. */
  maySee(viewer: Viewer | undefined, report: ReportEntity): boolean {
    return canModerate(viewer, report.reporterId);
  }

  // The targets as an admin sees them: whatever still exists, whatever its audience (a
  // followers-only broadcast, an author who blocks the admin). Accounts in any state, since a
  // suspended account is what an admin reviews after acting; not the content of a suspended
  // owner, which is gone for everyone and whose author field could not resolve.

  userForAdmin(loaders: RequestLoaders, id: string): Promise<UserEntity | undefined> {
    return loaders.load(this.accounts.anyStateById, id);
  }

  async postForAdmin(loaders: RequestLoaders, id: string): Promise<PostEntity | undefined> {
    const post = await loaders.load(this.posts.byId, id);
    return post && (await this.isActive(loaders, post.authorId)) ? post : undefined;
  }

  async broadcastForAdmin(
    loaders: RequestLoaders,
    id: string,
  ): Promise<BroadcastEntity | undefined> {
    const broadcast = await loaders.load(this.broadcasts.byId, id);
    return broadcast && (await this.isActive(loaders, broadcast.broadcasterId))
      ? broadcast
      : undefined;
  }

  async commentForAdmin(
    loaders: RequestLoaders,
    id: string,
  ): Promise<BroadcastCommentEntity | undefined> {
    const comment = await loaders.load(this.broadcasts.commentById, id);
    if (!comment) return undefined;
    const [author, broadcast] = await Promise.all([
      this.isActive(loaders, comment.authorId),
      this.broadcastForAdmin(loaders, comment.broadcastId),
    ]);
    return author && broadcast ? comment : undefined;
  }

  /**
   * Loads what a page of reports points at in three rounds (the targets, the broadcasts of the
   * reported comments, then every owner), so the admin fields read loaded rows and a page costs
   * the same statements whatever order the database answers in.
   */
  private async loadTargets(loaders: RequestLoaders, reports: ReportEntity[]): Promise<void> {
    const ids = (key: 'userId' | 'postId' | 'commentId' | 'broadcastId'): string[] =>
      reports.flatMap((report) => report[key] ?? []);
    const [, posts, comments, broadcasts] = await Promise.all([
      loaders.loadMany(this.accounts.anyStateById, [
        ...reports.map((report) => report.reporterId),
        ...ids('userId'),
      ]),
      loaders.loadMany(this.posts.byId, ids('postId')),
      loaders.loadMany(this.broadcasts.commentById, ids('commentId')),
      loaders.loadMany(this.broadcasts.byId, ids('broadcastId')),
    ]);
    const commentedOn = await loaders.loadMany(
      this.broadcasts.byId,
      comments.flatMap((comment) => comment?.broadcastId ?? []),
    );
    await loaders.loadMany(this.accounts.byId, [
      ...posts.flatMap((post) => post?.authorId ?? []),
      ...comments.flatMap((comment) => comment?.authorId ?? []),
      ...[...broadcasts, ...commentedOn].flatMap((broadcast) => broadcast?.broadcasterId ?? []),
    ]);
  }

  private async isActive(loaders: RequestLoaders, userId: string): Promise<boolean> {
    return (await loaders.load(this.accounts.byId, userId)) !== undefined;
  }

  /** The account behind a target the viewer may see, or NOT_FOUND. */
  private async visibleOwner(
    loaders: RequestLoaders,
    viewerId: string,
    { kind, id }: ReportTarget,
  ): Promise<string> {
    switch (kind) {
      case ReportTargetKind.USER:
        return (await this.policy.getVisible(loaders, id, viewerId)).id;
      case ReportTargetKind.POST:
        return (await this.posts.getVisible(loaders, id, viewerId)).authorId;
      case ReportTargetKind.BROADCAST:
        return (await this.broadcasts.getVisible(loaders, id, viewerId)).broadcasterId;
      case ReportTargetKind.COMMENT: {
        const comment = await loaders.load(this.broadcasts.commentById, id);
        if (!comment || !(await this.broadcasts.isCommentVisible(loaders, comment, viewerId))) {
          throw new NotFoundError('The comment');
        }
        return comment.authorId;
      }
    }
  }
}
