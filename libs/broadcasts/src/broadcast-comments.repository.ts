import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConnectionArgs, ConnectionShape, encodeCursor, keysetPage } from '@app/common';
import { GenerateSql, Queryable, returningRows } from '@app/database';
import { visibleToViewerSql } from '@app/graph';
import { notBannedSql } from './broadcast-bans.repository';
import { offsetFromStartSql } from './broadcast-rules';
import { BROADCAST_COLUMNS, BroadcastRecord, toBroadcastEntity } from './broadcasts.repository';
import { BroadcastEntity } from './entities/broadcast.entity';
import { BroadcastCommentEntity } from './entities/broadcast-comment.entity';

/** A broadcast_comments row as node-postgres returns it. */
export interface CommentRecord {
  id: string;
  broadcast_id: string;
  author_id: string;
  text: string;
  offset_ms: number;
  created_at: Date;
}

/** Every column of broadcast_comments, as `c`, in CommentRecord's names and order. */
export const COMMENT_COLUMNS =
  'c.id, c.broadcast_id, c.author_id, c.text, c.offset_ms, c.created_at';

export function toCommentEntity(row: CommentRecord): BroadcastCommentEntity {
  return Object.assign(new BroadcastCommentEntity(), {
    id: row.id,
    broadcastId: row.broadcast_id,
    authorId: row.author_id,
    text: row.text,
    offsetMs: row.offset_ms,
    createdAt: row.created_at,
  });
}

/** The `broadcast_comments` table, and the comment count on `broadcasts` that moves with it. */
@Injectable()
export class BroadcastCommentsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @GenerateSql({ params: [[['1', '2']]] })
  async findByIds(ids: readonly string[]): Promise<BroadcastCommentEntity[]> {
    const rows = await this.db.query<CommentRecord[]>(
      `SELECT ${COMMENT_COLUMNS} FROM broadcast_comments c WHERE c.id = ANY($1::bigint[])`,
      [ids],
    );
    return rows.map(toCommentEntity);
  }

  /**
   * The chat of a broadcast in replay order (offset from the start, then id), without the
   * comments of accounts hidden from the viewer.
   */
  @GenerateSql({
    params: [
      ['1', '2', { first: 20 }],
      ['1', '2', { first: 20, after: encodeCursor([1500, '7']) }],
    ],
  })
  async page(
    broadcastId: string,
    viewerId: string | undefined,
    args: ConnectionArgs,
  ): Promise<ConnectionShape<BroadcastCommentEntity>> {
    return keysetPage(
      args,
      {
        columns: [
          { sql: 'c.offset_ms', part: 'int' },
          { sql: 'c.id', part: 'int' },
        ],
        direction: 'ASC',
        keyOf: (comment: BroadcastCommentEntity) => [comment.offsetMs, comment.id],
      },
      [broadcastId, viewerId ?? null],
      async ({ andAfter, limit, params }) => {
        const rows = await this.db.query<CommentRecord[]>(
          `SELECT ${COMMENT_COLUMNS} FROM broadcast_comments c
           WHERE c.broadcast_id = $1 ${andAfter}
             AND ${visibleToViewerSql('c.author_id', '$2')}
           ORDER BY c.offset_ms, c.id
           LIMIT $${params.push(limit)}`,
          params,
        );
        return rows.map(toCommentEntity);
      },
    );
  }

  /**
   * Counts a new comment of `authorId` on a LIVE broadcast that did not ban them; the broadcast
   * as counted, or undefined. Taken first: its row lock orders the comment with a concurrent end.
   */
  @GenerateSql({ params: [['1', '2']] })
  async countNew(
    broadcastId: string,
    authorId: string,
    db: Queryable = this.db,
  ): Promise<BroadcastEntity | undefined> {
    const [row] = await returningRows<BroadcastRecord>(
      db,
      `UPDATE broadcasts b SET comments_count = b.comments_count + 1
       WHERE b.id = $1 AND b.status = 'LIVE' AND ${notBannedSql('b.id', '$2')}
       RETURNING ${BROADCAST_COLUMNS}`,
      [broadcastId, authorId],
    );
    return row ? toBroadcastEntity(row) : undefined;
  }

  /** A comment at its offset from the start of the broadcast (`startedAt`). */
  @GenerateSql({ params: [['1', '2', 'Great show!', new Date('2026-01-01T12:00:00Z')]] })
  async insert(
    broadcastId: string,
    authorId: string,
    text: string,
    startedAt: Date | null,
    db: Queryable = this.db,
  ): Promise<BroadcastCommentEntity> {
    const [row] = await db.query<CommentRecord[]>(
      `INSERT INTO broadcast_comments AS c (broadcast_id, author_id, text, offset_ms)
       VALUES ($1, $2, $3, ${offsetFromStartSql('$4::timestamptz')})
       RETURNING ${COMMENT_COLUMNS}`,
      [broadcastId, authorId, text, startedAt],
    );
    return toCommentEntity(row);
  }

  /** The comment deleted, or undefined when it was already gone. */
  @GenerateSql({ params: [['1']] })
  async delete(id: string, db: Queryable = this.db): Promise<BroadcastCommentEntity | undefined> {
    const [row] = await returningRows<CommentRecord>(
      db,
      `DELETE FROM broadcast_comments c WHERE c.id = $1 RETURNING ${COMMENT_COLUMNS}`,
      [id],
    );
    return row ? toCommentEntity(row) : undefined;
  }

  /** Takes one removed comment off the broadcast's count; the broadcast as counted. */
  @GenerateSql({ params: [['1']] })
  async uncount(broadcastId: string, db: Queryable = this.db): Promise<BroadcastEntity> {
    const [row] = await returningRows<BroadcastRecord>(
      db,
      `UPDATE broadcasts b SET comments_count = b.comments_count - 1 WHERE b.id = $1
       RETURNING ${BROADCAST_COLUMNS}`,
      [broadcastId],
    );
    return toBroadcastEntity(row);
  }

  /** Deletes an account's comments and takes them off the counts of their broadcasts. */
  @GenerateSql({ params: [['2']] })
  async deleteByAuthor(authorId: string, db: Queryable = this.db): Promise<void> {
    await db.query(
      `WITH gone AS (DELETE FROM broadcast_comments WHERE author_id = $1 RETURNING broadcast_id),
       lost AS (SELECT broadcast_id, count(*)::int AS n FROM gone GROUP BY broadcast_id)
       UPDATE broadcasts b SET comments_count = b.comments_count - lost.n
       FROM lost WHERE b.id = lost.broadcast_id`,
      [authorId],
    );
  }
}
