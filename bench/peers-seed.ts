/**
 * The rows every contender of the peers bench reads: authors with posts and ended broadcasts,
 * and one reader per followee count whose home timeline (timeline_entries, as fan-out on write
 * stored it) holds their followees' items. Some followees are suspended and some muted by the
 * reader, so the visibility rules have items to leave out; a third of the posts are liked by the
 * reader, so the per-viewer field differs from item to item.
 */
import { Client } from 'pg';

/** Authors; the largest followee count must not exceed it. */
const AUTHORS = 5_000;
const POSTS_PER_AUTHOR = 16;
const BROADCASTS_PER_AUTHOR = 4;

export async function seedPeers(
  url: string,
  followeeCounts: number[],
): Promise<Map<number, string>> {
  if (followeeCounts.some((count) => count > AUTHORS)) {
    throw new Error(`At most ${AUTHORS} followees per reader`);
  }
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    await db.query(
      `INSERT INTO users (handle, email, password_hash, display_name, suspended_at)
       SELECT 'author_' || i, 'author_' || i || '@bench.local', 'x', 'Author ' || i,
              CASE WHEN i % 50 = 0 THEN now() END
       FROM generate_series(1, $1) AS i`,
      [AUTHORS],
    );
    // Items spread over 30 days, so every page mixes posts and broadcasts of many authors.
    await db.query(
      `INSERT INTO posts (author_id, text, created_at, likes_count)
       SELECT u.id, 'post ' || n || ' by ' || u.handle, now() - random() * interval '30 days',
              (random() * 50)::int
       FROM users u CROSS JOIN generate_series(1, $1) AS n WHERE u.handle LIKE 'author\\_%'`,
      [POSTS_PER_AUTHOR],
    );
    await db.query(
      `INSERT INTO broadcasts (broadcaster_id, title, status, visibility, chat_mode, started_at,
                               ended_at, stream_key, viewer_count, created_at)
       SELECT id, 'live ' || n || ' by ' || handle, 'ENDED', 'PUBLIC', 'EVERYONE', at,
              at + interval '30 minutes', md5(id || ':' || n), (random() * 500)::int, at
       FROM (SELECT u.id, u.handle, n, now() - random() * interval '30 days' AS at
             FROM users u CROSS JOIN generate_series(1, $1) AS n
             WHERE u.handle LIKE 'author\\_%') s`,
      [BROADCASTS_PER_AUTHOR],
    );
    const readers = new Map<number, string>();
    for (const count of followeeCounts) {
      const {
        rows: [reader],
      } = await db.query<{ id: string }>(
        `INSERT INTO users (handle, email, password_hash, display_name, following_count)
         VALUES ($1::text, $1::text || '@bench.local', 'x', $1::text, $2) RETURNING id`,
        [`reader_${count}`, count],
      );
      await db.query(
        `INSERT INTO follows (follower_id, followee_id)
         SELECT $1, id FROM users WHERE handle LIKE 'author\\_%' ORDER BY random() LIMIT $2`,
        [reader.id, count],
      );
      await db.query(
        `INSERT INTO mutes (muter_id, muted_id)
         SELECT $1, followee_id FROM follows WHERE follower_id = $1 AND followee_id % 37 = 0`,
        [reader.id],
      );
      await db.query(
        `INSERT INTO timeline_entries (owner_id, sort_at, item_id, item_kind, author_id)
         SELECT $1, p.created_at, p.id, 'POST'::timeline_item_kind, p.author_id
         FROM posts p JOIN follows f ON f.followee_id = p.author_id AND f.follower_id = $1
         UNION ALL
         SELECT $1, b.started_at, b.id, 'BROADCAST'::timeline_item_kind, b.broadcaster_id
         FROM broadcasts b JOIN follows f ON f.followee_id = b.broadcaster_id AND f.follower_id = $1`,
        [reader.id],
      );
      await db.query(
        `INSERT INTO post_likes (post_id, user_id)
         SELECT item_id, owner_id FROM timeline_entries
         WHERE owner_id = $1 AND item_kind = 'POST' AND item_id % 3 = 0`,
        [reader.id],
      );
      readers.set(count, reader.id);
    }
    await db.query(
      `UPDATE users u SET followers_count = c.n
       FROM (SELECT followee_id, count(*)::int AS n FROM follows GROUP BY followee_id) c
       WHERE u.id = c.followee_id`,
    );
    await db.query('VACUUM ANALYZE');
    return readers;
  } finally {
    await db.end();
  }
}
