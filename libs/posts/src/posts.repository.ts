import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConnectionArgs, ConnectionShape, encodeCursor, keysetPage } from '@app/common';
import {
  GenerateSql,
  joinedRowSql,
  preparedQuery,
  Queryable,
  readJoinedRow,
  ResultRow,
} from '@app/database';
import { addPostsCountSql } from '@app/accounts';
import { visibleToViewerSql } from '@app/graph';
import { PostEntity } from './entities/post.entity';
import { insertMentionsSql } from './post-mentions.repository';

interface PostRecord {
  id: string;
  author_id: string;
  text: string;
  reply_to_id: string | null;
  broadcast_id: string | null;
  hashtags: string[];
  likes_count: number;
  replies_count: number;
  created_at: Date;
}

const POST_COLUMNS =
  'p.id, p.author_id, p.text, p.reply_to_id, p.broadcast_id, p.hashtags, p.likes_count, p.replies_count, p.created_at';

function toPostEntity(row: PostRecord): PostEntity {
  return Object.assign(new PostEntity(), {
    id: row.id,
    authorId: row.author_id,
    text: row.text,
    replyToId: row.reply_to_id,
    broadcastId: row.broadcast_id,
    hashtags: row.hashtags,
    likesCount: row.likes_count,
    repliesCount: row.replies_count,
    createdAt: row.created_at,
  });
}

/**
 * SQL the posts library lends to other libraries' statements: a LATERAL join of the post whose id
 * is `idSql`, its columns under `prefix` (read back with `postFromJoinedRow`).
 */
export function postRowSql(idSql: string, prefix: string): string {
  return joinedRowSql(POST_COLUMNS, prefix, 'posts p', `p.id = ${idSql}`);
}

/** The post `postRowSql` joined, or undefined when there was none. */
export function postFromJoinedRow(row: ResultRow, prefix: string): PostEntity | undefined {
  return readJoinedRow(row, POST_COLUMNS, prefix, 'id', toPostEntity);
}

/** What a new post is made of, its text already parsed. */
export interface PostDraft {
  authorId: string;
  text: string;
  replyToId: string | null;
  broadcastId: string | null;
  /** As written, in order of appearance. */
  hashtags: string[];
}

/** A post as written, with the accounts it mentions (in id order). */
export interface WrittenPost {
  post: PostEntity;
  mentionedUserIds: string[];
}

/** A post where an author's timeline sorts it: when it was written. */
export interface PostSortKey {
  id: string;
  sortAt: Date;
}

/** A replies cursor in the shape the example arguments need. */
/** A post that carries a hashtag, with the time it is ordered by. */
export interface TaggedPost {
  postId: string;
  createdAt: Date;
}

const EXAMPLE_REPLIES_CURSOR = encodeCursor(['2026-01-01T10:00:00.000Z', '42']);

/** The `posts` table and its hashtag index, `post_hashtags`. */
@Injectable()
export class PostsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @GenerateSql({ params: [[['1', '2']]] })
  async findByIds(ids: readonly string[]): Promise<PostEntity[]> {
    const rows = await this.db.query<PostRecord[]>(
      `SELECT ${POST_COLUMNS} FROM posts p WHERE p.id = ANY($1::bigint[])`,
      [ids],
    );
    return rows.map(toPostEntity);
  }

  /**
   * Writes the post, in one statement with what goes with it: its hashtag index (`tagKeys`,
   * lower-cased), the mentions of the accounts with these (lower-cased) handles that exist, are
   * active and do not block the author, and the author's post count. Returns the post and the
   * ids of the accounts it mentions.
   */
  @GenerateSql({
    params: [
      [
        { authorId: '1', text: 'hello #tv', replyToId: null, broadcastId: null, hashtags: ['tv'] },
        ['tv'],
        ['alice'],
      ],
    ],
  })
  async insert(
    draft: PostDraft,
    tagKeys: readonly string[],
    mentionHandles: readonly string[],
    db: Queryable = this.db,
  ): Promise<WrittenPost> {
    // Prepared: every post sends this text, and planning it costs more than running it.
    const [row] = await preparedQuery<PostRecord & { mentioned_user_ids: string[] }>(
      db,
      `WITH p AS (
         INSERT INTO posts AS p (author_id, text, reply_to_id, broadcast_id, hashtags)
         VALUES ($1, $2, $3, $4, $5)
         RETURNING ${POST_COLUMNS}),
       tagged AS (
         INSERT INTO post_hashtags (post_id, tag, created_at)
         SELECT p.id, tag, p.created_at FROM p, unnest($6::text[]) AS tag
         ON CONFLICT DO NOTHING),
       mentioned AS (${insertMentionsSql('(SELECT id FROM p)', '$7', '$1')}),
       counted AS (${addPostsCountSql('$1', '1')})
       SELECT p.*, ARRAY(SELECT user_id FROM mentioned ORDER BY user_id) AS mentioned_user_ids
       FROM p`,
      [
        draft.authorId,
        draft.text,
        draft.replyToId,
        draft.broadcastId,
        draft.hashtags,
        tagKeys,
        mentionHandles,
      ],
    );
    return { post: toPostEntity(row), mentionedUserIds: row.mentioned_user_ids };
  }

  /**
   * Deletes the post and takes it off its author's post count; returns it as it was, or undefined
   * when it was already gone.
   */
  @GenerateSql({ params: [['1']] })
  async delete(id: string, db: Queryable = this.db): Promise<PostEntity | undefined> {
    // A SELECT, so query() answers with the rows (see returningRows).
    const [row] = await db.query<PostRecord[]>(
      `WITH p AS (DELETE FROM posts p WHERE p.id = $1 RETURNING ${POST_COLUMNS}),
       counted AS (${addPostsCountSql('(SELECT author_id FROM p)', '-1')})
       SELECT * FROM p`,
      [id],
    );
    return row && toPostEntity(row);
  }

  /**
   * Keeps the post from being deleted until the transaction ends; false when it does not exist.
   * FOR KEY SHARE blocks a DELETE but not the replies_count UPDATE (FOR NO KEY UPDATE): with FOR
   * SHARE, two concurrent replies each held a share lock the other's UPDATE had to wait for, and
   * deadlocked.
   */
  @GenerateSql({ params: [['1']] })
  async lockForKeyShare(id: string, db: Queryable = this.db): Promise<boolean> {
    const rows = await db.query<unknown[]>('SELECT 1 FROM posts WHERE id = $1 FOR KEY SHARE', [id]);
    return rows.length > 0;
  }

  @GenerateSql({ params: [['1', 1]] })
  async addRepliesCount(id: string, delta: number, db: Queryable = this.db): Promise<void> {
    await db.query('UPDATE posts SET replies_count = replies_count + $2 WHERE id = $1', [
      id,
      delta,
    ]);
  }

  @GenerateSql({ params: [['1', 1]] })
  async addLikesCount(id: string, delta: number, db: Queryable = this.db): Promise<void> {
    await db.query('UPDATE posts SET likes_count = likes_count + $2 WHERE id = $1', [id, delta]);
  }

  /** Replies to a post, oldest first, without those hidden from the viewer. */
  @GenerateSql({
    params: [
      ['1', '2', { first: 20 }],
      ['1', undefined, { first: 20, after: EXAMPLE_REPLIES_CURSOR }],
    ],
  })
  replies(
    postId: string,
    viewerId: string | undefined,
    args: ConnectionArgs,
  ): Promise<ConnectionShape<PostEntity>> {
    return keysetPage(
      args,
      {
        columns: [
          { sql: 'p.created_at', part: 'timestamp' },
          { sql: 'p.id', part: 'int' },
        ],
        direction: 'ASC',
        keyOf: (post: PostEntity) => [post.createdAt, post.id],
      },
      [postId, viewerId ?? null],
      async ({ andAfter, limit, params }) => {
        params.push(limit);
        const rows = await this.db.query<PostRecord[]>(
          `SELECT ${POST_COLUMNS} FROM posts p
           WHERE p.reply_to_id = $1 ${andAfter}
             AND ${visibleToViewerSql('p.author_id', '$2')}
           ORDER BY p.created_at, p.id
           LIMIT $${params.length}`,
          params,
        );
        return rows.map(toPostEntity);
      },
    );
  }

  /** The author's posts, newest first, strictly before `before` when given. */
  @GenerateSql({
    params: [
      ['1', undefined, 20],
      ['1', { sortAt: '2026-01-01T10:00:00.000Z', itemId: '42' }, 20],
    ],
  })
  async sortKeysOf(
    authorId: string,
    before: { sortAt: string; itemId: string } | undefined,
    limit: number,
    db: Queryable = this.db,
  ): Promise<PostSortKey[]> {
    const params: unknown[] = [authorId, limit];
    const keyset = before ? 'AND (created_at, id) < ($3::timestamptz, $4::bigint)' : '';
    if (before) params.push(before.sortAt, before.itemId);
    const rows = await db.query<{ id: string; created_at: Date }[]>(
      `SELECT id, created_at FROM posts WHERE author_id = $1 ${keyset}
       ORDER BY created_at DESC, id DESC LIMIT $2`,
      params,
    );
    return rows.map((row) => ({ id: row.id, sortAt: row.created_at }));
  }

  /** Takes the account's replies off the reply counts of other accounts' posts. */
  @GenerateSql({ params: [['1']] })
  async uncountRepliesBy(userId: string, db: Queryable = this.db): Promise<void> {
    await db.query(
      `UPDATE posts p SET replies_count = p.replies_count - r.replies
       FROM (SELECT reply_to_id, count(*)::int AS replies FROM posts
             WHERE author_id = $1 AND reply_to_id IS NOT NULL GROUP BY reply_to_id) r
       WHERE p.id = r.reply_to_id AND p.author_id <> $1`,
      [userId],
    );
  }

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
