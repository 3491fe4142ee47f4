import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConnectionArgs, ConnectionShape, encodeCursor, keysetPage } from '@app/common';
import { GenerateSql } from '@app/database';
import { visibleToViewerSql } from '@app/graph';

/** A post that carries a hashtag, with the time it is ordered by. */
export interface TaggedPost {
  postId: string;
  createdAt: Date;
}

/** The `post_hashtags` table, as read by other libraries. */
@Injectable()
export class PostHashtagsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Posts with the hashtag key `tag`, newest first, from the (tag, created_at, post_id) index,
   * without those whose author is suspended or blocks the viewer.
   */
  @GenerateSql({
    params: [
      ['tvshow', '2', { first: 20 }],
      ['tvshow', undefined, { first: 20, after: encodeCursor(['2026-01-02T03:04:05.678Z', '9']) }],
    ],
  })
  pageByTag(
    tag: string,
    viewerId: string | undefined,
    args: ConnectionArgs,
  ): Promise<ConnectionShape<TaggedPost>> {
    return keysetPage(
      args,
      {
        columns: [
          { sql: 'h.created_at', part: 'timestamp' },
          { sql: 'h.post_id', part: 'int' },
        ],
        direction: 'DESC',
        keyOf: (row: TaggedPost) => [row.createdAt, row.postId],
      },
      [tag, viewerId ?? null],
      async ({ andAfter, limit, params }) => {
        params.push(limit);
        const rows = await this.db.query<{ post_id: string; created_at: Date }[]>(
          `SELECT h.post_id, h.created_at FROM post_hashtags h
           JOIN posts p ON p.id = h.post_id
           WHERE h.tag = $1 ${andAfter}
             AND ${visibleToViewerSql('p.author_id', '$2')}
           ORDER BY h.created_at DESC, h.post_id DESC
           LIMIT $${params.length}`,
          params,
        );
        return rows.map((row) => ({ postId: row.post_id, createdAt: row.created_at }));
      },
    );
  }
}
