/**
 * The statements seeit's API runs for the bench's home page, as the bare Apollo peer runs them
 * (copied from a recording of seeit's API; the peers bench prints both lists side by side and
 * says when they differ, which is when to copy them again). Two waves: the token's account, then
 * the page with everything its cards show, as a named prepared statement.
 */

/**
 * UsersRepository.findActive: active accounts by id (the token's account), run as a named prepared
 * statement, as seeit runs it.
 */
export const USERS = `SELECT u.id, u.handle, u.email, u.display_name, u.bio, u.avatar_url, u.role,
  u.suspended_at, u.suspension_reason, u.followers_count, u.following_count, u.posts_count,
  u.created_at FROM users u WHERE u.id = ANY($1::bigint[]) AND u.suspended_at IS NULL`;

/**
 * TimelineEntriesRepository.home, run as a named prepared statement (preparedRows in
 * libs/database): $1 viewer, $2 page size + 1; each source reads 21 references (the page's
 * LIMIT rounded up to a size class, as a literal). Each row is the log head, the item reference and,
 * under prefixed columns, its post, author, broadcast (the item or the one a post shares), that
 * broadcast's replay and sharer, and the viewer's facts.
 */
export const HOME = `WITH log AS (SELECT pg_current_snapshot()::text AS head,
         purged_xid::text AS purged_xid, purged_through AS purged_id
  FROM timeline_update_horizon)
           SELECT log.head, page.*, post.*, author.*, broadcast.*, replay.*, shared_by.*,
             EXISTS (SELECT 1 FROM blocks bx WHERE bx.blocker_id = page.author_id AND bx.blocked_id = $1) AS author_blocks_viewer,
             EXISTS (SELECT 1 FROM post_likes pl WHERE pl.post_id = post.post__id AND pl.user_id = $1) AS viewer_liked,
             mention.ids AS mentioned_user_ids,
             (SELECT coalesce(jsonb_agg(to_jsonb(r) || jsonb_build_object('id', r.id::text)), '[]')
    FROM (SELECT u.id, u.handle, u.email, u.display_name, u.bio, u.avatar_url, u.role,
  u.suspended_at, u.suspension_reason, u.followers_count, u.following_count, u.posts_count,
  u.created_at FROM users u
          WHERE u.id = ANY(mention.ids) AND u.suspended_at IS NULL) r) AS mentioned_users,
             ARRAY(SELECT m.id FROM unnest(mention.ids) m(id)
                   WHERE EXISTS (SELECT 1 FROM blocks bx WHERE bx.blocker_id = m.id AND bx.blocked_id = $1)) AS mentioned_blocking_viewer,
             NOT NOT EXISTS (SELECT 1 FROM broadcast_bans bb WHERE bb.broadcast_id = broadcast.broadcast__id AND bb.user_id = $1) AS broadcast_banned,
             (SELECT fn.notify FROM follows fn WHERE fn.follower_id = $1 AND fn.followee_id = broadcast.broadcast__broadcaster_id) AS broadcast_follows,
             EXISTS (SELECT 1 FROM blocks bx WHERE bx.blocker_id = CASE WHEN page.item_kind = 'POST' THEN broadcast.broadcast__broadcaster_id END AND bx.blocked_id = $1) AS shared_by_blocks_viewer
           FROM log LEFT JOIN LATERAL (
           SELECT sort_at, item_id, item_kind, author_id FROM (
             (SELECT sort_at, item_id, item_kind, author_id
              FROM timeline_entries te
              WHERE te.owner_id = $1 
                AND EXISTS (SELECT 1 FROM users au WHERE au.id = te.author_id AND au.suspended_at IS NULL) AND NOT EXISTS (SELECT 1 FROM mutes vm WHERE vm.muter_id = $1::bigint AND vm.muted_id = te.author_id)
              ORDER BY te.sort_at DESC, te.item_id DESC
              LIMIT 21)
             UNION
             (SELECT pi.sort_at, pi.item_id, pi.item_kind, pi.author_id
              FROM timeline_pull_authors pa
              JOIN (SELECT fo.follower_id, fo.followee_id FROM follows fo WHERE fo.follower_id = ANY(ARRAY[$1::bigint]::bigint[])) f ON f.followee_id = pa.author_id
              CROSS JOIN LATERAL (
                SELECT sort_at, item_id, item_kind, author_id
                FROM timeline_pulled_items
                WHERE author_id = pa.author_id 
                ORDER BY sort_at DESC, item_id DESC
                LIMIT 21
              ) pi
              WHERE EXISTS (SELECT 1 FROM users au WHERE au.id = pa.author_id AND au.suspended_at IS NULL) AND NOT EXISTS (SELECT 1 FROM mutes vm WHERE vm.muter_id = $1::bigint AND vm.muted_id = pa.author_id))
           ) merged
           ORDER BY sort_at DESC, item_id DESC
           LIMIT $2) page ON true
           LEFT JOIN LATERAL (SELECT p.id AS post__id, p.author_id AS post__author_id, p.text AS post__text, p.reply_to_id AS post__reply_to_id, p.broadcast_id AS post__broadcast_id, p.hashtags AS post__hashtags, p.likes_count AS post__likes_count, p.replies_count AS post__replies_count, p.created_at AS post__created_at
    FROM posts p WHERE p.id = CASE WHEN page.item_kind = 'POST' THEN page.item_id END) post ON true
           LEFT JOIN LATERAL (SELECT u.id AS author__id, u.handle AS author__handle, u.email AS author__email, u.display_name AS author__display_name, u.bio AS author__bio, u.avatar_url AS author__avatar_url, u.role AS author__role, u.suspended_at AS author__suspended_at, u.suspension_reason AS author__suspension_reason, u.followers_count AS author__followers_count, u.following_count AS author__following_count, u.posts_count AS author__posts_count, u.created_at AS author__created_at
    FROM users u WHERE u.id = page.author_id AND u.suspended_at IS NULL) author ON true
           CROSS JOIN LATERAL (SELECT ARRAY(SELECT pm.user_id FROM post_mentions pm WHERE pm.post_id = post.post__id ORDER BY pm.user_id) AS ids) mention
           LEFT JOIN LATERAL (SELECT b.id AS broadcast__id, b.broadcaster_id AS broadcast__broadcaster_id, b.title AS broadcast__title, b.status AS broadcast__status, b.visibility AS broadcast__visibility, b.chat_mode AS broadcast__chat_mode, b.scheduled_for AS broadcast__scheduled_for, b.started_at AS broadcast__started_at, b.ended_at AS broadcast__ended_at, b.stream_key AS broadcast__stream_key, b.viewer_count AS broadcast__viewer_count, b.peak_viewer_count AS broadcast__peak_viewer_count, b.heart_count AS broadcast__heart_count, b.comments_count AS broadcast__comments_count, b.created_at AS broadcast__created_at
    FROM broadcasts b WHERE b.id = CASE WHEN page.item_kind = 'BROADCAST' THEN page.item_id ELSE post.post__broadcast_id END) broadcast ON true
           LEFT JOIN LATERAL (SELECT r.broadcast_id AS replay__broadcast_id, r.duration_ms AS replay__duration_ms, r.available_at AS replay__available_at, r.deleted_at AS replay__deleted_at, r.view_count AS replay__view_count
    FROM broadcast_replays r WHERE r.broadcast_id = broadcast.broadcast__id AND r.deleted_at IS NULL) replay ON true
           LEFT JOIN LATERAL (SELECT u.id AS shared_by__id, u.handle AS shared_by__handle, u.email AS shared_by__email, u.display_name AS shared_by__display_name, u.bio AS shared_by__bio, u.avatar_url AS shared_by__avatar_url, u.role AS shared_by__role, u.suspended_at AS shared_by__suspended_at, u.suspension_reason AS shared_by__suspension_reason, u.followers_count AS shared_by__followers_count, u.following_count AS shared_by__following_count, u.posts_count AS shared_by__posts_count, u.created_at AS shared_by__created_at
    FROM users u WHERE u.id = CASE WHEN page.item_kind = 'POST' THEN broadcast.broadcast__broadcaster_id END AND u.suspended_at IS NULL) shared_by ON true
           ORDER BY page.sort_at DESC, page.item_id DESC`;
