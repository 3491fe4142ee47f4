import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { subtractFollowCountsSql } from '@app/accounts';
import { ConnectionArgs, ConnectionShape, encodeCursor, keysetPage } from '@app/common';
import { GenerateSql, Queryable, returningRows } from '@app/database';
import { FollowEntity } from './entities/follow.entity';
import { RelationshipsRepository, VisibilityScope } from './relationships.repository';

/**
 * SQL the graph library lends to other libraries' statements, so none names its `follows`
 * table: true when the account in `followerSql` follows the one in `followeeSql`.
 */
export function followsSql(followerSql: string, followeeSql: string): string {
  return `EXISTS (SELECT 1 FROM follows fx WHERE fx.follower_id = ${followerSql} AND fx.followee_id = ${followeeSql})`;
}

export interface FollowersOfOptions {
  /**
   * A bigint parameter (e.g. '$5', may be NULL): only followers who are that account or also
   * follow it.
   */
  alsoFollowing?: string;
  /** Only followers who asked to be notified when the followee goes live. */
  notifying?: boolean;
}

/** A subquery of one column, `follower_id`: the followers of the account in `followeeSql`. */
export function followersOfSql(followeeSql: string, options: FollowersOfOptions = {}): string {
  const also = options.alsoFollowing;
  return `SELECT ff.follower_id FROM follows ff WHERE ff.followee_id = ${followeeSql}${
    options.notifying ? ' AND ff.notify' : ''
  }${
    also
      ? ` AND (${also}::bigint IS NULL OR ff.follower_id = ${also} OR EXISTS (
      SELECT 1 FROM follows fa WHERE fa.follower_id = ff.follower_id AND fa.followee_id = ${also}))`
      : ''
  }`;
}

/**
 * A SELECT of (follower_id, followee_id): the follows of the accounts in `followersParam`, a bigint
 * array parameter (e.g. '$1', or 'ARRAY[$1::bigint]' for one account).
 */
export function followsOfSql(followersParam: string): string {
  return `SELECT fo.follower_id, fo.followee_id FROM follows fo WHERE fo.follower_id = ANY(${followersParam}::bigint[])`;
}

/**
 * A scalar subquery: whether the follower asked to hear when the followee goes live (`notify`),
 * NULL when it does not follow.
 */
export function followNotifySql(followerSql: string, followeeSql: string): string {
  return `(SELECT fn.notify FROM follows fn WHERE fn.follower_id = ${followerSql} AND fn.followee_id = ${followeeSql})`;
}

interface FollowRecord {
  follower_id: string;
  followee_id: string;
  notify: boolean;
  created_at: Date;
}

const FOLLOW_COLUMNS = 'f.follower_id, f.followee_id, f.notify, f.created_at';

function toFollowEntity(row: FollowRecord): FollowEntity {
  return Object.assign(new FollowEntity(), {
    followerId: row.follower_id,
    followeeId: row.followee_id,
    notify: row.notify,
    createdAt: row.created_at,
  });
}

/** Which side of a follow a list is about: an account's followers, or whom it follows. */
export enum FollowSide {
  FOLLOWERS = 'FOLLOWERS',
  FOLLOWING = 'FOLLOWING',
}

const EXAMPLE_CURSOR = encodeCursor(['2026-01-01T00:00:00.000Z', '2']);

/** The `follows` table. */
@Injectable()
export class FollowsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The follows from any of `followerIds` to any of `followeeIds`. */
  @GenerateSql({ params: [[['1'], ['2', '3']]] })
  async findPairs(
    followerIds: readonly string[],
    followeeIds: readonly string[],
  ): Promise<FollowEntity[]> {
    const rows = await this.db.query<FollowRecord[]>(
      `SELECT ${FOLLOW_COLUMNS} FROM follows f
       WHERE f.follower_id = ANY($1::bigint[]) AND f.followee_id = ANY($2::bigint[])`,
      [followerIds, followeeIds],
    );
    return rows.map(toFollowEntity);
  }

  /**
   * Follows, or changes `notify` of a follow that exists (kept when `notify` is null). True when
   * the follow is new.
   */
  @GenerateSql({ params: [['1', '2', null]] })
  async upsert(
    followerId: string,
    followeeId: string,
    notify: boolean | null,
    db: Queryable = this.db,
  ): Promise<boolean> {
    const [row] = await db.query<{ inserted: boolean }[]>(
      `INSERT INTO follows (follower_id, followee_id, notify) VALUES ($1, $2, COALESCE($3, true))
       ON CONFLICT (follower_id, followee_id)
       DO UPDATE SET notify = COALESCE($3, follows.notify)
       RETURNING (xmax = 0) AS inserted`,
      [followerId, followeeId, notify],
    );
    return row.inserted;
  }

  /** True when there was such a follow. */
  @GenerateSql({ params: [['1', '2']] })
  async delete(followerId: string, followeeId: string, db: Queryable = this.db): Promise<boolean> {
    const deleted = await returningRows(
      db instanceof DataSource ? db.manager : db,
      'DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2 RETURNING 1',
      [followerId, followeeId],
    );
    return deleted.length > 0;
  }

  /**
   * Drops every follow of the account, both ways, and takes them off the counters of the
   * accounts on the other side (one account can be both followed and following), in one
   * statement.
   */
  @GenerateSql({ params: [['1']] })
  async deleteAllOf(userId: string, db: Queryable = this.db): Promise<void> {
    await db.query(
      `WITH gone AS (
         DELETE FROM follows WHERE follower_id = $1 OR followee_id = $1
         RETURNING follower_id, followee_id
       ), lost AS (
         SELECT CASE WHEN follower_id = $1 THEN followee_id ELSE follower_id END AS id,
                count(*) FILTER (WHERE follower_id = $1)::int AS followers,
                count(*) FILTER (WHERE followee_id = $1)::int AS following
         FROM gone GROUP BY 1
       )
       ${subtractFollowCountsSql('lost')}`,
      [userId],
    );
  }

  /**
   * One page of `userId`'s followers or followed accounts, newest follow first, as `viewerId`
   * may see them: none when `userId` is hidden from the viewer, and without the accounts hidden
   * from the viewer.
   */
  @GenerateSql({
    params: [
      [FollowSide.FOLLOWERS, '1', { first: 20 }, '3'],
      [FollowSide.FOLLOWING, '1', { first: 20, after: EXAMPLE_CURSOR }, null],
    ],
  })
  page(
    side: FollowSide,
    userId: string,
    args: ConnectionArgs,
    viewerId: string | null,
  ): Promise<ConnectionShape<FollowEntity>> {
    const [own, other] =
      side === FollowSide.FOLLOWERS
        ? ['f.followee_id', 'f.follower_id']
        : ['f.follower_id', 'f.followee_id'];
    const visible = (column: string) =>
      RelationshipsRepository.visibleSql(column, '$2', VisibilityScope.CONTENT);
    return keysetPage(
      args,
      {
        columns: [
          { sql: 'f.created_at', part: 'timestamp' },
          { sql: other, part: 'int' },
        ],
        direction: 'DESC',
        keyOf: (follow) => [
          follow.createdAt,
          side === FollowSide.FOLLOWERS ? follow.followerId : follow.followeeId,
        ],
      },
      [userId, viewerId],
      async ({ andAfter, limit, params }) => {
        const rows = await this.db.query<FollowRecord[]>(
          `SELECT ${FOLLOW_COLUMNS} FROM follows f
           WHERE ${own} = $1 ${andAfter}
             AND ${visible('$1')}
             AND ${visible(other)}
           ORDER BY f.created_at DESC, ${other} DESC
           LIMIT ${limit}`,
          params,
        );
        return rows.map(toFollowEntity);
      },
    );
  }
}
