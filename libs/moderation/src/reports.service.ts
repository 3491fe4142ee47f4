import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryFailedError } from 'typeorm';
import { AccountsService, UserEntity } from '@app/accounts';
import { BroadcastCommentEntity, BroadcastEntity, BroadcastsService } from '@app/broadcasts';
import {
  byKeys,
  ConflictError,
  ConnectionArgs,
  defineLoader,
  InvalidInputError,
  keysetCondition,
  NotFoundError,
  pageSize,
  RateLimits,
  RequestLoaders,
  Role,
  Viewer,
} from '@app/common';
import { returningRows } from '@app/database';
import { RelationshipPolicy } from '@app/graph';
import { PostEntity, PostsService } from '@app/posts';
import { ReportEntity, ReportStatus, ReportTargetKind } from './entities/report.entity';
import { assertResolution, parseReason, ReportTarget } from './report-rules';

interface ReportRecord {
  id: string;
  reporter_id: string;
  target_kind: ReportTargetKind;
  user_id: string | null;
  post_id: string | null;
  comment_id: string | null;
  broadcast_id: string | null;
  reason: string;
  status: ReportStatus;
  created_at: Date;
  resolved_at: Date | null;
  resolved_by: string | null;
}

const COLUMNS = `r.id, r.reporter_id, r.target_kind, r.user_id, r.post_id, r.comment_id,
  r.broadcast_id, r.reason, r.status, r.created_at, r.resolved_at, r.resolved_by`;

function toReportEntity(row: ReportRecord): ReportEntity {
  return Object.assign(new ReportEntity(), {
    id: row.id,
    reporterId: row.reporter_id,
    targetKind: row.target_kind,
    userId: row.user_id,
    postId: row.post_id,
    commentId: row.comment_id,
    broadcastId: row.broadcast_id,
    reason: row.reason,
    status: row.status,
    createdAt: row.created_at,
    resolvedAt: row.resolved_at,
    resolvedBy: row.resolved_by,
  });
}

/** What each kind of target is called in messages. */
const NOUN: Record<ReportTargetKind, string> = {
  [ReportTargetKind.USER]: 'user',
  [ReportTargetKind.POST]: 'post',
  [ReportTargetKind.COMMENT]: 'comment',
  [ReportTargetKind.BROADCAST]: 'broadcast',
};

const isForeignKeyViolation = (error: unknown) =>
  error instanceof QueryFailedError &&
  (error.driverError as { code?: string } | undefined)?.code === '23503';

/**
 * Reports: members file them against what they can see; admins read the queue and decide. Who
 * reported and what is for admins only; the reporter sees their report's reason and status.
 */
@Injectable()
export class ReportsService {
  /** Reports by id, whoever filed them; callers apply `maySee`. */
  readonly byId = defineLoader<string, ReportEntity | undefined>(
    'reportsById',
    async (ids) => {
      const rows = await this.select('r.id = ANY($1::bigint[])', [ids]);
      return byKeys(
        ids,
        rows,
        (row) => row.id,
        (row) => row,
        undefined,
      );
    },
    { viewerIndependent: true },
  );

  constructor(
    @InjectDataSource() private readonly db: DataSource,
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
    const idOf = (kind: ReportTargetKind) => (target.kind === kind ? target.id : null);
    try {
      // The no-op update (rather than DO NOTHING) returns the OPEN report that is already there,
      // in the same statement, even when it was filed by a concurrent request.
      const [row] = await this.db.query<ReportRecord[]>(
        `INSERT INTO reports AS r
           (reporter_id, target_kind, user_id, post_id, comment_id, broadcast_id, reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (reporter_id, target_kind, (COALESCE(user_id, post_id, comment_id, broadcast_id)))
           WHERE status = 'OPEN'
         DO UPDATE SET reason = r.reason
         RETURNING ${COLUMNS}`,
        [
          viewer.id,
          target.kind,
          idOf(ReportTargetKind.USER),
          idOf(ReportTargetKind.POST),
          idOf(ReportTargetKind.COMMENT),
          idOf(ReportTargetKind.BROADCAST),
          reason,
        ],
      );
      return toReportEntity(row);
    } catch (error) {
      // The target was deleted since it was looked up.
      if (isForeignKeyViolation(error)) throw new NotFoundError(`The ${NOUN[target.kind]}`);
      throw error;
    }
  }

  /** The admin queue, newest first, keyset on id (served by reports_queue_idx or the key). */
  async list(status: ReportStatus | undefined, args: ConnectionArgs): Promise<ReportEntity[]> {
    const params: unknown[] = [pageSize(args) + 1];
    const conditions = ['true'];
    if (status) {
      params.push(status);
      conditions.push(`r.status = $${params.length}`);
    }
    const after = keysetCondition(args.after, [{ sql: 'r.id', part: 'int' }], 'DESC', params);
    if (after) conditions.push(after);
    return this.select(conditions.join(' AND '), params, 'ORDER BY r.id DESC LIMIT $1');
  }

  /**
   * An admin decides an OPEN report. Deciding it again the same way returns it as it is; the other
   * way is a CONFLICT, so one admin never silently overturns another's decision.
   */
  async resolve(admin: Viewer, id: string, status: ReportStatus): Promise<ReportEntity> {
    assertResolution(status);
    const [updated] = await returningRows<ReportRecord>(
      this.db.manager,
      `UPDATE reports r SET status = $2, resolved_at = now(), resolved_by = $3
       WHERE r.id = $1 AND r.status = 'OPEN'
       RETURNING ${COLUMNS}`,
      [id, status, admin.id],
    );
    if (updated) return toReportEntity(updated);
    const [current] = await this.select('r.id = $1', [id]);
    if (!current) throw new NotFoundError('The report');
    if (current.status !== status) {
      throw new ConflictError(`This report was already resolved as ${current.status}.`);
    }
    return current;
  }

  /** Admins see every report; a reporter sees their own. */
  maySee(viewer: Viewer | undefined, report: ReportEntity): boolean {
    return viewer?.role === Role.ADMIN || viewer?.id === report.reporterId;
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
        if (!(await this.isActive(loaders, id))) throw new NotFoundError('The user');
        await this.policy.assertVisible(loaders, id, viewerId, 'The user');
        return id;
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

  private async select(condition: string, params: unknown[], tail = ''): Promise<ReportEntity[]> {
    const rows = await this.db.query<ReportRecord[]>(
      `SELECT ${COLUMNS} FROM reports r WHERE ${condition} ${tail}`,
      params,
    );
    return rows.map(toReportEntity);
  }
}
