import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { GenerateSql, Queryable } from '@app/database';

/**
 * SQL the accounts library lends to other libraries' queries, so no other library names its
 * `users` table: true when the account whose id is in `idColumn` exists and is not suspended.
 */
export function activeUserSql(idColumn: string): string {
  return `EXISTS (SELECT 1 FROM users au WHERE au.id = ${idColumn} AND au.suspended_at IS NULL)`;
}

/**
 * SQL the accounts library lends to other libraries' statements: the ids of the accounts whose
 * handle, lower-cased, is in the text array parameter `handlesParam` (e.g. '$2'), suspended or not.
 */
export function userIdsByHandleSql(handlesParam: string): string {
  return `SELECT hu.id FROM users hu WHERE lower(hu.handle) = ANY(${handlesParam}::text[])`;
}

/** The counters on `users` that other libraries keep, and what they read of an account. */
@Injectable()
export class UsersRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Moves the account's post count by `delta` (a post written or deleted). */
  @GenerateSql({ params: [['1', 1]] })
  async addPostsCount(userId: string, delta: number, db: Queryable = this.db): Promise<void> {
    await db.query('UPDATE users SET posts_count = posts_count + $2 WHERE id = $1', [
      userId,
      delta,
    ]);
  }

  /** The account's follower count; 0 for an account that does not exist. */
  @GenerateSql({ params: [['1']] })
  async followersCount(userId: string, db: Queryable = this.db): Promise<number> {
    const [row] = await db.query<{ followers_count: number }[]>(
      'SELECT followers_count FROM users WHERE id = $1',
      [userId],
    );
    return row?.followers_count ?? 0;
  }
}
