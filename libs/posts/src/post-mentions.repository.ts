import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { userIdsByHandleSql } from '@app/accounts';
import { GenerateSql } from '@app/database';
import { visibleToViewerSql } from '@app/graph';

/** The accounts one post mentions. */
export interface PostMentions {
  postId: string;
  /** In id order. */
  userIds: string[];
}

/**
 * SQL the posts library lends to other libraries' statements: the ids of the accounts the post in
 * `postIdSql` mentions, in id order, as an array (empty when none).
 */
export function mentionedUserIdsSql(postIdSql: string): string {
  return `ARRAY(SELECT pm.user_id FROM post_mentions pm WHERE pm.post_id = ${postIdSql} ORDER BY pm.user_id)`;
}

/**
 * For a statement that writes a post: stores the mentions, by the post whose id is `postIdSql`
 * written by `authorSql`, of the accounts whose (lower-cased) handles are in the text array
 * parameter `handlesParam` and that exist, are active and do not block the author; returns their
 * ids as `user_id`.
 */
export function insertMentionsSql(postIdSql: string, handlesParam: string, authorSql: string) {
  return `INSERT INTO post_mentions (post_id, user_id)
       SELECT ${postIdSql}, m.id FROM (${userIdsByHandleSql(handlesParam)}) m
       WHERE ${visibleToViewerSql('m.id', authorSql)}
       ON CONFLICT DO NOTHING
       RETURNING user_id`;
}

/** The `post_mentions` table: which accounts a post @mentions. */
@Injectable()
export class PostMentionsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The mentions of each of `postIds` that has any. */
  @GenerateSql({ params: [[['1', '2']]] })
  async ofPosts(postIds: readonly string[]): Promise<PostMentions[]> {
    const rows = await this.db.query<{ post_id: string; user_ids: string[] }[]>(
      `SELECT post_id, array_agg(user_id ORDER BY user_id) AS user_ids FROM post_mentions
       WHERE post_id = ANY($1::bigint[]) GROUP BY post_id`,
      [postIds],
    );
    return rows.map((row) => ({ postId: row.post_id, userIds: row.user_ids }));
  }
}
