import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { GenerateSql, Queryable, returningRows } from '@app/database';

/**
 * SQL the posts library lends to other libraries' statements: true when the account in `userSql`
 * likes the post in `postIdSql`.
 */
export function likedBySql(postIdSql: string, userSql: string): string {
  return `EXISTS (SELECT 1 FROM post_likes pl WHERE pl.post_id = ${postIdSql} AND pl.user_id = ${userSql})`;
}

/** The `post_likes` table: who likes which post. */
@Injectable()
export class PostLikesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The likes of any of `userIds` on any of `postIds`. */
  @GenerateSql({ params: [[['1'], ['2', '3']]] })
  async likedAmong(
    userIds: readonly string[],
    postIds: readonly string[],
  ): Promise<{ userId: string; postId: string }[]> {
    const rows = await this.db.query<{ user_id: string; post_id: string }[]>(
      `SELECT user_id, post_id FROM post_likes
       WHERE user_id = ANY($1::bigint[]) AND post_id = ANY($2::bigint[])`,
      [userIds, postIds],
    );
    return rows.map((row) => ({ userId: row.user_id, postId: row.post_id }));
  }

  /** Records the like; false when it was already there or the post is gone. */
  @GenerateSql({ params: [['1', '2']] })
  async insert(postId: string, userId: string, db: Queryable = this.db): Promise<boolean> {
    const inserted = await db.query<unknown[]>(
      `INSERT INTO post_likes (post_id, user_id) SELECT id, $2 FROM posts WHERE id = $1
       ON CONFLICT DO NOTHING RETURNING 1`,
      [postId, userId],
    );
    return inserted.length > 0;
  }

  /** Takes the like back; false when there was none. */
  @GenerateSql({ params: [['1', '2']] })
  async delete(postId: string, userId: string, db: Queryable = this.db): Promise<boolean> {
    const deleted = await returningRows(
      db instanceof DataSource ? db.manager : db,
      'DELETE FROM post_likes WHERE post_id = $1 AND user_id = $2 RETURNING 1',
      [postId, userId],
    );
    return deleted.length > 0;
  }

  /**
   * Deletes the account's likes and takes them off the like counts of other accounts' posts.
   * Deleting them here, rather than by cascade, counts only rows that really went.
   */
  @GenerateSql({ params: [['1']] })
  async deleteAllBy(userId: string, db: Queryable = this.db): Promise<void> {
    await db.query(
      `WITH gone AS (DELETE FROM post_likes WHERE user_id = $1 RETURNING post_id)
       UPDATE posts p SET likes_count = p.likes_count - 1
       FROM gone WHERE p.id = gone.post_id AND p.author_id <> $1`,
      [userId],
    );
  }
}
