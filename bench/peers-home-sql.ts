/**
 * The home page's item references as seeit's home statement selects them
 * (TimelineEntriesRepository.home in libs/timeline, with visibleToViewerSql's FOLLOWED_FEED
 * scope): the reader's timeline_entries merged with the pulled items of the large accounts they
 * follow, without suspended or muted authors, newest first. The raw and PostGraphile peers run
 * it inside their one statement; `viewer`, `limit` and each source's `sourceLimit` (at least
 * `limit`; seeit writes it as a literal, so a prepared statement keeps a generic plan) are SQL
 * expressions.
 */
export function homeRefsSql(viewer: string, limit: string, sourceLimit = limit): string {
  const visible = (author: string) =>
    `EXISTS (SELECT 1 FROM users au WHERE au.id = ${author} AND au.suspended_at IS NULL)
     AND NOT EXISTS (SELECT 1 FROM mutes vm WHERE vm.muter_id = ${viewer} AND vm.muted_id = ${author})`;
  return `SELECT sort_at, item_id, item_kind, author_id FROM (
      (SELECT te.sort_at, te.item_id, te.item_kind, te.author_id
       FROM timeline_entries te
       WHERE te.owner_id = ${viewer} AND ${visible('te.author_id')}
       ORDER BY te.sort_at DESC, te.item_id DESC
       LIMIT ${sourceLimit})
      UNION
      (SELECT pi.sort_at, pi.item_id, pi.item_kind, pi.author_id
       FROM timeline_pull_authors pa
       JOIN follows fo ON fo.follower_id = ${viewer} AND fo.followee_id = pa.author_id
       CROSS JOIN LATERAL (
         SELECT sort_at, item_id, item_kind, author_id FROM timeline_pulled_items
         WHERE author_id = pa.author_id
         ORDER BY sort_at DESC, item_id DESC
         LIMIT ${sourceLimit}) pi
       WHERE ${visible('pa.author_id')})
    ) merged
    ORDER BY sort_at DESC, item_id DESC
    LIMIT ${limit}`;
}

/**
 * What seeit's item resolvers check before showing an item of the page: the viewer is an active
 * account, the author does not block the viewer, and for a broadcast (`broadcastId` not NULL)
 * the viewer is not banned from it. The caller joins the item, so it exists.
 */
export function itemVisibleSql(viewer: string, author: string, broadcastId: string): string {
  return `EXISTS (SELECT 1 FROM users vu WHERE vu.id = ${viewer} AND vu.suspended_at IS NULL)
    AND NOT EXISTS (SELECT 1 FROM blocks bk WHERE bk.blocker_id = ${author} AND bk.blocked_id = ${viewer})
    AND (${broadcastId} IS NULL OR NOT EXISTS (
      SELECT 1 FROM broadcast_bans bb WHERE bb.user_id = ${viewer} AND bb.broadcast_id = ${broadcastId}))`;
}
