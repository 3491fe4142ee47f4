/**
 * The statements seeit's API runs for the bench's home page, in the order it runs them, as the
 * bare Apollo peer runs them (copied from a recording of seeit's API; the peers bench prints
 * both lists side by side and says when they differ, which is when to copy them again).
 */

/** UsersRepository: active accounts by id (the token's account, then authors). */
export const USERS = `SELECT u.id, u.handle, u.email, u.display_name, u.bio, u.avatar_url, u.role,
  u.suspended_at, u.suspension_reason, u.followers_count, u.following_count, u.posts_count,
  u.created_at FROM users u WHERE u.id = ANY($1::bigint[]) AND u.suspended_at IS NULL`;

/** TimelineEntriesRepository.home: $1 viewer, $2 page size + 1. */
export const HOME = `WITH log AS (SELECT GREATEST((SELECT COALESCE(max(id), 0) FROM timeline_updates), purged_through) AS head,
         purged_through AS purged
  FROM timeline_update_horizon)
           SELECT log.head, page.* FROM log LEFT JOIN LATERAL (
           SELECT sort_at, item_id, item_kind, author_id FROM (
             (SELECT sort_at, item_id, item_kind, author_id
              FROM timeline_entries te
              WHERE te.owner_id = $1 
                AND EXISTS (SELECT 1 FROM users au WHERE au.id = te.author_id AND au.suspended_at IS NULL) AND NOT EXISTS (SELECT 1 FROM mutes vm WHERE vm.muter_id = $1::bigint AND vm.muted_id = te.author_id)
              ORDER BY te.sort_at DESC, te.item_id DESC
              LIMIT $2)
             UNION
             (SELECT pi.sort_at, pi.item_id, pi.item_kind, pi.author_id
              FROM timeline_pull_authors pa
              JOIN (SELECT fo.follower_id, fo.followee_id FROM follows fo WHERE fo.follower_id = ANY(ARRAY[$1::bigint]::bigint[])) f ON f.followee_id = pa.author_id
              CROSS JOIN LATERAL (
                SELECT sort_at, item_id, item_kind, author_id
                FROM timeline_pulled_items
                WHERE author_id = pa.author_id 
                ORDER BY sort_at DESC, item_id DESC
                LIMIT $2
              ) pi
              WHERE EXISTS (SELECT 1 FROM users au WHERE au.id = pa.author_id AND au.suspended_at IS NULL) AND NOT EXISTS (SELECT 1 FROM mutes vm WHERE vm.muter_id = $1::bigint AND vm.muted_id = pa.author_id))
           ) merged
           ORDER BY sort_at DESC, item_id DESC
           LIMIT $2) page ON true
           ORDER BY page.sort_at DESC, page.item_id DESC`;

/** PostsRepository: posts by id. */
export const POSTS =
  'SELECT p.id, p.author_id, p.text, p.reply_to_id, p.broadcast_id, p.hashtags, p.likes_count, p.replies_count, p.created_at FROM posts p WHERE p.id = ANY($1::bigint[])';

/** BroadcastsRepository: broadcasts by id. */
export const BROADCASTS =
  'SELECT b.id, b.broadcaster_id, b.title, b.status, b.visibility, b.chat_mode, b.scheduled_for, b.started_at, b.ended_at, b.stream_key, b.viewer_count, b.peak_viewer_count, b.heart_count, b.comments_count, b.created_at FROM broadcasts b WHERE b.id = ANY($1::bigint[])';

/** RelationshipsRepository.blockersOf: $1 viewer, $2 owners. */
export const BLOCKERS =
  'SELECT blocker_id FROM blocks WHERE blocked_id = $1 AND blocker_id = ANY($2::bigint[])';

/** BroadcastBansRepository: $1 viewer, $2 broadcasts. */
export const BANS = `SELECT broadcast_id FROM broadcast_bans
       WHERE user_id = $1 AND broadcast_id = ANY($2::bigint[])`;

/** PostLikesRepository: $1 viewer, $2 posts. */
export const LIKES =
  'SELECT post_id FROM post_likes WHERE user_id = $1 AND post_id = ANY($2::bigint[])';
