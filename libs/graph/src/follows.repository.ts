import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { GenerateSql } from '@app/database';

/** SQL the graph lends to other libraries' statements, so none of them names `follows`. */

/**
 * A SELECT of (follower_id, followee_id): the follows of the accounts in `followersParam`, a bigint
 * array parameter (e.g. '$1', or 'ARRAY[$1::bigint]' for one account).
 */
export function followsOfSql(followersParam: string): string {
  return `SELECT fo.follower_id, fo.followee_id FROM follows fo WHERE fo.follower_id = ANY(${followersParam}::bigint[])`;
}

/** How the account in `followerExpr` follows `followeeExpr`: its `notify` flag, NULL when not. */
export function followNotifySql(followerExpr: string, followeeExpr: string): string {
  return `(SELECT fn.notify FROM follows fn WHERE fn.follower_id = ${followerExpr} AND fn.followee_id = ${followeeExpr})`;
}

export interface FollowersOfOptions {
  /**
   * A bigint parameter (e.g. '$5', may be NULL): only followers who are that account or also
   * follow it.
   */
  alsoFollowing?: string;
  /** Only followers who asked to be notified. */
  notifying?: boolean;
}

/** A SELECT of one column, `follower_id`: the followers of the account in `followeeExpr`. */
export function followersOfSql(followeeExpr: string, options: FollowersOfOptions = {}): string {
  const also = options.alsoFollowing;
  return `SELECT ff.follower_id FROM follows ff WHERE ff.followee_id = ${followeeExpr}${
    options.notifying ? ' AND ff.notify' : ''
  }${
    also
      ? ` AND (${also}::bigint IS NULL OR ff.follower_id = ${also} OR EXISTS (
      SELECT 1 FROM follows fa WHERE fa.follower_id = ff.follower_id AND fa.followee_id = ${also}))`
      : ''
  }`;
}

/** One follow between two accounts. */
export interface FollowPair {
  followerId: string;
  followeeId: string;
  notify: boolean;
}

/** The `follows` table, as read by other libraries in batches. */
@Injectable()
export class FollowsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The follows from any of `followerIds` to any of `followeeIds`, in one statement. */
  @GenerateSql({ params: [[['1', '2'], ['3']]] })
  async pairsAmong(
    followerIds: readonly string[],
    followeeIds: readonly string[],
  ): Promise<FollowPair[]> {
    const rows = await this.db.query<
      { follower_id: string; followee_id: string; notify: boolean }[]
    >(
      'SELECT follower_id, followee_id, notify FROM follows WHERE follower_id = ANY($1::bigint[]) AND followee_id = ANY($2::bigint[])',
      [followerIds, followeeIds],
    );
    return rows.map((row) => ({
      followerId: row.follower_id,
      followeeId: row.followee_id,
      notify: row.notify,
    }));
  }
}
