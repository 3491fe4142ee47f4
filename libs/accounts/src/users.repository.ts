import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Role } from '@app/common';
import {
  GenerateSql,
  joinedRowSql,
  preparedQuery,
  Queryable,
  readJoinedRow,
  ResultRow,
  returningRows,
} from '@app/database';
import { UserEntity } from './user.entity';

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

/**
 * For a statement that deletes follows: takes them off the accounts' counters. `lost` names a
 * relation of the statement (a CTE) with columns `id`, `followers` and `following`: how many
 * followers and followed accounts each account lost.
 */
export function subtractFollowCountsSql(lost: string): string {
  return `UPDATE users u SET followers_count = u.followers_count - ${lost}.followers,
                          following_count = u.following_count - ${lost}.following
       FROM ${lost} WHERE u.id = ${lost}.id`;
}

/**
 * SQL the accounts library lends to other libraries' statements: a scalar subquery, the follower
 * count of the account whose id is `idSql` (NULL when it does not exist).
 */
export function followersCountSql(idSql: string): string {
  return `(SELECT fc.followers_count FROM users fc WHERE fc.id = ${idSql})`;
}

/**
 * For a statement that writes or deletes a post: moves the post count of the account whose id is
 * `idSql` by `deltaSql`.
 */
export function addPostsCountSql(idSql: string, deltaSql: string): string {
  return `UPDATE users pc SET posts_count = pc.posts_count + ${deltaSql} WHERE pc.id = ${idSql}`;
}

/** A condition on the account in `idColumn` for the viewer whose id is `viewerParam` ('$4'). */
export type ViewerCondition = (idColumn: string, viewerParam: string) => string;

/** The profile fields an account changes itself; null clears bio and avatarUrl. */
export interface ProfileChanges {
  displayName?: string;
  bio?: string | null;
  avatarUrl?: string | null;
}

export interface NewAccount {
  handle: string;
  email: string;
  passwordHash: string;
  displayName: string;
  role: Role;
}

interface UserRecord {
  id: string;
  handle: string;
  email: string;
  display_name: string;
  bio: string | null;
  avatar_url: string | null;
  role: Role;
  suspended_at: Date | null;
  suspension_reason: string | null;
  followers_count: number;
  following_count: number;
  posts_count: number;
  created_at: Date;
}

/** Every column but password_hash, which only the credential lookups read. */
const USER_COLUMNS = `u.id, u.handle, u.email, u.display_name, u.bio, u.avatar_url, u.role,
  u.suspended_at, u.suspension_reason, u.followers_count, u.following_count, u.posts_count,
  u.created_at`;

function toUserEntity(row: UserRecord): UserEntity {
  return Object.assign(new UserEntity(), {
    id: row.id,
    handle: row.handle,
    email: row.email,
    displayName: row.display_name,
    bio: row.bio,
    avatarUrl: row.avatar_url,
    role: row.role,
    suspendedAt: row.suspended_at,
    suspensionReason: row.suspension_reason,
    followersCount: row.followers_count,
    followingCount: row.following_count,
    postsCount: row.posts_count,
    createdAt: row.created_at,
  });
}

/**
 * SQL the accounts library lends to other libraries' statements: a LATERAL join of the active
 * account whose id is `idSql`, its columns under `prefix` (read back with `userFromJoinedRow`).
 */
export function activeUserRowSql(idSql: string, prefix: string): string {
  return joinedRowSql(
    USER_COLUMNS,
    prefix,
    'users u',
    `u.id = ${idSql} AND u.suspended_at IS NULL`,
  );
}

/** The account `activeUserRowSql` joined, or undefined when there was none. */
export function userFromJoinedRow(row: ResultRow, prefix: string): UserEntity | undefined {
  return readJoinedRow(row, USER_COLUMNS, prefix, 'id', toUserEntity);
}

/**
 * SQL the accounts library lends to other libraries' statements: the active accounts whose ids are
 * in the bigint array `idsSql`, as one JSON array (read back with `usersFromJson`), for a statement
 * that returns several accounts per row.
 */
export function activeUsersJsonSql(idsSql: string): string {
  // Ids as text, since JSON numbers lose bigint precision.
  return `(SELECT coalesce(jsonb_agg(to_jsonb(r) || jsonb_build_object('id', r.id::text)), '[]')
    FROM (SELECT ${USER_COLUMNS} FROM users u
          WHERE u.id = ANY(${idsSql}) AND u.suspended_at IS NULL) r)`;
}

/**
 * The accounts `activeUsersJsonSql` read, from its JSON array as node-postgres parsed it. Active
 * accounts only: none is suspended.
 */
export function usersFromJson(json: unknown): UserEntity[] {
  type UserJson = Omit<UserRecord, 'suspended_at' | 'created_at'> & { created_at: string };
  return (json as UserJson[]).map((record) =>
    toUserEntity({ ...record, suspended_at: null, created_at: new Date(record.created_at) }),
  );
}

const PROFILE_COLUMNS: Record<keyof ProfileChanges, string> = {
  displayName: 'display_name',
  bio: 'bio',
  avatarUrl: 'avatar_url',
};

/** The `users` and `admin_bootstrap_grants` tables. */
@Injectable()
export class UsersRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Active (not suspended) accounts among `ids`. */
  @GenerateSql({ params: [[['1', '2']]] })
  async findActive(ids: readonly string[]): Promise<UserEntity[]> {
    // Prepared: every authenticated request sends it.
    const rows = await preparedQuery<UserRecord>(
      this.db,
      `SELECT ${USER_COLUMNS} FROM users u WHERE u.id = ANY($1::bigint[]) AND u.suspended_at IS NULL`,
      [ids],
    );
    return rows.map(toUserEntity);
  }

  /** Accounts among `ids`, suspended or not. */
  @GenerateSql({ params: [[['1', '2']]] })
  async findAnyState(ids: readonly string[]): Promise<UserEntity[]> {
    const rows = await this.db.query<UserRecord[]>(
      `SELECT ${USER_COLUMNS} FROM users u WHERE u.id = ANY($1::bigint[])`,
      [ids],
    );
    return rows.map(toUserEntity);
  }

  /** The active account with this handle, in any case. */
  @GenerateSql({ params: [['alice']] })
  async findActiveByHandle(handle: string): Promise<UserEntity | undefined> {
    const [row] = await this.db.query<UserRecord[]>(
      `SELECT ${USER_COLUMNS} FROM users u
       WHERE lower(u.handle) = lower($1) AND u.suspended_at IS NULL`,
      [handle],
    );
    return row && toUserEntity(row);
  }

  /**
   * Active accounts whose handle or display name matches the LIKE `pattern` (lower case), the
   * handle equal to `exact` first, then the most followed. Served by the prefix indexes on
   * lower(handle) and lower(display_name). `visible` is the caller's rule of who may be listed.
   */
  @GenerateSql({
    // The rule here is an example; graph passes its visibility rule (visibleToViewerSql).
    params: [
      ['ali%', 'ali', 20, '1', (id: string, viewer: string) => `${id} <> ${viewer}::bigint`],
    ],
  })
  async search(
    pattern: string,
    exact: string,
    limit: number,
    viewerId: string | null,
    visible: ViewerCondition,
  ): Promise<UserEntity[]> {
    const rows = await this.db.query<UserRecord[]>(
      `SELECT ${USER_COLUMNS} FROM users u
       WHERE u.suspended_at IS NULL
         AND (lower(u.handle) LIKE $1 OR lower(u.display_name) LIKE $1)
         AND ${visible('u.id', '$4')}
       ORDER BY lower(u.handle) = $2 DESC, u.followers_count DESC, u.id ASC
       LIMIT $3`,
      [pattern, exact, limit, viewerId],
    );
    return rows.map(toUserEntity);
  }

  /** Whether an account, in any state, already has this handle or this email (any case). */
  @GenerateSql({ params: [['alice', 'alice@example.com']] })
  async taken(handle: string, email: string): Promise<{ handle: boolean; email: boolean }> {
    const [row] = await this.db.query<{ handle: boolean; email: boolean }[]>(
      `SELECT COALESCE(bool_or(lower(u.handle) = lower($1)), false) AS handle,
              COALESCE(bool_or(lower(u.email) = lower($2)), false) AS email
       FROM users u WHERE lower(u.handle) = lower($1) OR lower(u.email) = lower($2)`,
      [handle, email],
    );
    return row;
  }

  /** Creates an account; the unique indexes on lower(handle) and lower(email) decide races. */
  @GenerateSql({
    params: [
      [
        {
          handle: 'alice',
          email: 'alice@example.com',
          passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
          displayName: 'Alice',
          role: Role.MEMBER,
        },
      ],
    ],
  })
  async insert(account: NewAccount): Promise<UserEntity> {
    const [row] = await this.db.query<UserRecord[]>(
      `INSERT INTO users AS u (handle, email, password_hash, display_name, role)
       VALUES ($1, $2, $3, $4, $5)
       RETURNING ${USER_COLUMNS}`,
      [account.handle, account.email, account.passwordHash, account.displayName, account.role],
    );
    return toUserEntity(row);
  }

  /** The account a login (a lower-cased handle, or an email when it has '@') names, with its hash. */
  @GenerateSql({ params: [['alice'], ['alice@example.com']] })
  async findCredentials(
    login: string,
  ): Promise<{ user: UserEntity; passwordHash: string } | undefined> {
    const [row] = await this.db.query<(UserRecord & { password_hash: string })[]>(
      `SELECT ${USER_COLUMNS}, u.password_hash FROM users u
       WHERE ${login.includes('@') ? 'lower(u.email)' : 'lower(u.handle)'} = $1`,
      [login],
    );
    return row && { user: toUserEntity(row), passwordHash: row.password_hash };
  }

  /** The password hash of the account, in any state. */
  @GenerateSql({ params: [['1']] })
  async passwordHash(id: string): Promise<string | undefined> {
    const [row] = await this.db.query<{ password_hash: string }[]>(
      'SELECT u.password_hash FROM users u WHERE u.id = $1',
      [id],
    );
    return row?.password_hash;
  }

  @GenerateSql({ params: [['1', { displayName: 'Alice', bio: null }]] })
  async updateProfile(id: string, changes: ProfileChanges): Promise<void> {
    const fields = (Object.keys(PROFILE_COLUMNS) as (keyof ProfileChanges)[]).filter(
      (field) => changes[field] !== undefined,
    );
    if (fields.length === 0) return;
    const params: unknown[] = [id];
    const assignments = fields.map((field) => {
      params.push(changes[field]);
      return `${PROFILE_COLUMNS[field]} = $${params.length}`;
    });
    await this.db.query(`UPDATE users SET ${assignments.join(', ')} WHERE id = $1`, params);
  }

  @GenerateSql({ params: [['1', Role.PARTNER]] })
  async setRole(id: string, role: Role): Promise<void> {
    await this.db.query('UPDATE users SET role = $2 WHERE id = $1', [id, role]);
  }

  /**
   * Suspends the account (its suspension time kept when it already is) with this reason; the
   * account as it now is, undefined when it does not exist.
   */
  @GenerateSql({ params: [['1', 'spam']] })
  async suspend(id: string, reason: string | null): Promise<UserEntity | undefined> {
    const [row] = await returningRows<UserRecord>(
      this.db.manager,
      `UPDATE users u SET suspended_at = COALESCE(u.suspended_at, now()), suspension_reason = $2
       WHERE u.id = $1 RETURNING ${USER_COLUMNS}`,
      [id, reason],
    );
    return row && toUserEntity(row);
  }

  /** Lifts a suspension; the account as it now is, undefined when it does not exist. */
  @GenerateSql({ params: [['1']] })
  async unsuspend(id: string): Promise<UserEntity | undefined> {
    const [row] = await returningRows<UserRecord>(
      this.db.manager,
      `UPDATE users u SET suspended_at = NULL, suspension_reason = NULL
       WHERE u.id = $1 RETURNING ${USER_COLUMNS}`,
      [id],
    );
    return row && toUserEntity(row);
  }

  /**
   * Row-locks the account for a change of its follows or blocks (FOR NO KEY UPDATE, the lock the
   * counter update takes anyway); whether it is active, undefined when it does not exist.
   */
  @GenerateSql({ params: [['1']] })
  async lockForRelationship(id: string, db: Queryable = this.db): Promise<boolean | undefined> {
    const [row] = await db.query<{ active: boolean }[]>(
      'SELECT suspended_at IS NULL AS active FROM users WHERE id = $1 FOR NO KEY UPDATE',
      [id],
    );
    return row?.active;
  }

  /** One follow more or less: both counters in one statement, so both rows lock in one order. */
  @GenerateSql({ params: [['1', '2', 1]] })
  async adjustFollowCounts(
    followerId: string,
    followeeId: string,
    delta: 1 | -1,
    db: Queryable = this.db,
  ): Promise<void> {
    await db.query(
      `UPDATE users SET
         following_count = following_count + CASE WHEN id = $1 THEN $3::int ELSE 0 END,
         followers_count = followers_count + CASE WHEN id = $2 THEN $3::int ELSE 0 END
       WHERE id IN ($1, $2)`,
      [followerId, followeeId, delta],
    );
  }

  /** Row-locks the account before it is deleted; false when it does not exist. */
  @GenerateSql({ params: [['1']] })
  async lockForDeletion(id: string, db: Queryable = this.db): Promise<boolean> {
    const rows = await db.query<unknown[]>('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [id]);
    return rows.length > 0;
  }

  @GenerateSql({ params: [['1']] })
  async delete(id: string, db: Queryable = this.db): Promise<void> {
    await db.query('DELETE FROM users WHERE id = $1', [id]);
  }

  /**
   * BOOTSTRAP_ADMIN: makes the active account with this handle ADMIN, once per handle ever (the
   * grant is recorded, lower-cased, in the same statement). `granted` when it happened now;
   * `exists` when such an account exists.
   */
  @GenerateSql({ params: [['alice']] })
  async grantBootstrapAdmin(handle: string): Promise<{ granted: boolean; exists: boolean }> {
    const [outcome] = await this.db.query<{ granted: boolean; exists: boolean }[]>(
      `WITH target AS (
         SELECT id FROM users WHERE lower(handle) = lower($1) AND suspended_at IS NULL
       ), grant_once AS (
         INSERT INTO admin_bootstrap_grants (handle) SELECT lower($1) FROM target
         ON CONFLICT (handle) DO NOTHING RETURNING handle
       ), promoted AS (
         UPDATE users SET role = $2 WHERE id IN (SELECT id FROM target)
           AND EXISTS (SELECT 1 FROM grant_once) RETURNING id
       )
       SELECT EXISTS (SELECT 1 FROM promoted) AS granted, EXISTS (SELECT 1 FROM target) AS exists`,
      [handle, Role.ADMIN],
    );
    return outcome;
  }
}
