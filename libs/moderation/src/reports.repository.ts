import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConnectionArgs, ConnectionShape, encodeCursor, keysetPage } from '@app/common';
import { GenerateSql, returningRows } from '@app/database';
import { ReportEntity, ReportStatus, ReportTargetKind } from './entities/report.entity';

/** What a new report says; the target's id goes in the column of its kind. */
export interface NewReport {
  reporterId: string;
  targetKind: ReportTargetKind;
  targetId: string;
  reason: string;
}

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

const REPORT_COLUMNS = `r.id, r.reporter_id, r.target_kind, r.user_id, r.post_id, r.comment_id,
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

/** The `reports` table. */
@Injectable()
export class ReportsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @GenerateSql({ params: [[['1', '2']]] })
  async findByIds(ids: readonly string[]): Promise<ReportEntity[]> {
    const rows = await this.db.query<ReportRecord[]>(
      `SELECT ${REPORT_COLUMNS} FROM reports r WHERE r.id = ANY($1::bigint[])`,
      [ids],
    );
    return rows.map(toReportEntity);
  }

  /**
   * Files the report, or returns the OPEN one the reporter already filed against the target:
   * the no-op update (rather than DO NOTHING) returns it in the same statement, even when a
   * concurrent request filed it. The target's foreign key fails when the target is gone.
   */
  @GenerateSql({
    params: [
      [{ reporterId: '1', targetKind: ReportTargetKind.POST, targetId: '2', reason: 'spam' }],
    ],
  })
  async fileOrFindOpen(report: NewReport): Promise<ReportEntity> {
    const idOf = (kind: ReportTargetKind) => (report.targetKind === kind ? report.targetId : null);
    const [row] = await this.db.query<ReportRecord[]>(
      `INSERT INTO reports AS r
         (reporter_id, target_kind, user_id, post_id, comment_id, broadcast_id, reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (reporter_id, target_kind, (COALESCE(user_id, post_id, comment_id, broadcast_id)))
         WHERE status = 'OPEN'
       DO UPDATE SET reason = r.reason
       RETURNING ${REPORT_COLUMNS}`,
      [
        report.reporterId,
        report.targetKind,
        idOf(ReportTargetKind.USER),
        idOf(ReportTargetKind.POST),
        idOf(ReportTargetKind.COMMENT),
        idOf(ReportTargetKind.BROADCAST),
        report.reason,
      ],
    );
    return toReportEntity(row);
  }

  /** The admin queue, newest first, keyset on id (served by reports_queue_idx or the key). */
  @GenerateSql({
    params: [
      [undefined, { first: 20 }],
      [ReportStatus.OPEN, { first: 20, after: encodeCursor(['10']) }],
    ],
  })
  page(
    status: ReportStatus | undefined,
    args: ConnectionArgs,
  ): Promise<ConnectionShape<ReportEntity>> {
    return keysetPage(
      args,
      {
        columns: [{ sql: 'r.id', part: 'int' }],
        direction: 'DESC',
        keyOf: (report) => [report.id],
      },
      status ? [status] : [],
      async ({ andAfter, limit, params }) => {
        const rows = await this.db.query<ReportRecord[]>(
          `SELECT ${REPORT_COLUMNS} FROM reports r
           WHERE ${status ? 'r.status = $1' : 'true'} ${andAfter}
           ORDER BY r.id DESC LIMIT ${limit}`,
          params,
        );
        return rows.map(toReportEntity);
      },
    );
  }

  /** Decides the report if it is OPEN; undefined when it is not (or does not exist). */
  @GenerateSql({ params: [['1', ReportStatus.ACTIONED, '2']] })
  async resolveOpen(
    id: string,
    status: ReportStatus,
    adminId: string,
  ): Promise<ReportEntity | undefined> {
    const [row] = await returningRows<ReportRecord>(
      this.db.manager,
      `UPDATE reports r SET status = $2, resolved_at = now(), resolved_by = $3
       WHERE r.id = $1 AND r.status = 'OPEN'
       RETURNING ${REPORT_COLUMNS}`,
      [id, status, adminId],
    );
    return row && toReportEntity(row);
  }
}
