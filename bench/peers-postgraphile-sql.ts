/**
 * The PostGraphile peer's schema, `peers`, made in the bench database only: views over seeit's
 * tables and one SQL function for the home page, with seeit's ordering and visibility rules
 * (bench/peers-home-sql.ts). The viewer comes from the `jwt.claims.viewer_id` setting that the
 * PostGraphile server sets per request (pgSettings) after checking the bearer token.
 */
import { homeRefsSql, itemVisibleSql } from './peers-home-sql';
import { PAGE_SIZE } from './peers-query';

const VIEWER = "current_setting('jwt.claims.viewer_id')::bigint";

export const POSTGRAPHILE_SCHEMA_SQL = `
CREATE SCHEMA peers;

CREATE VIEW peers.users AS SELECT id, handle, display_name FROM users;
COMMENT ON VIEW peers.users IS E'@primaryKey id';

-- The same column types in both branches (no coercion), so PostgreSQL can push a lookup by
-- item_id into each of them.
CREATE VIEW peers.timeline_items AS
  SELECT 'POST'::text AS kind, p.id AS item_id, p.author_id, p.text::text AS text,
         p.created_at::timestamptz AS created_at, p.likes_count::int AS likes_count,
         NULL::text AS title, NULL::text AS status, NULL::timestamptz AS started_at
  FROM posts p
  UNION ALL
  SELECT 'BROADCAST'::text, b.id, b.broadcaster_id, NULL::text, NULL::timestamptz, NULL::int,
         b.title::text, b.status::text, b.started_at::timestamptz
  FROM broadcasts b;
COMMENT ON VIEW peers.timeline_items IS
  E'@foreignKey (author_id) references peers.users (id)|@fieldName author';

CREATE FUNCTION peers.timeline_items_viewer_has_liked(item peers.timeline_items) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN item.kind = 'POST' THEN EXISTS (
    SELECT 1 FROM post_likes pl WHERE pl.user_id = ${VIEWER} AND pl.post_id = item.item_id) END
$$;

-- One more row than the page, so PostGraphile's first: page_size can tell there is a next page.
-- Each source reads ${PAGE_SIZE + 1} references, as seeit's statement does for pages of 11 to 20:
-- the bench's page size at most.
CREATE FUNCTION peers.home_timeline(page_size int) RETURNS SETOF peers.timeline_items
LANGUAGE sql STABLE AS $$
  SELECT ti.*
  FROM (${homeRefsSql(VIEWER, 'page_size + 1', String(PAGE_SIZE + 1))}) r
  CROSS JOIN LATERAL (SELECT * FROM peers.timeline_items WHERE item_id = r.item_id) ti
  WHERE ${itemVisibleSql(VIEWER, 'r.author_id', "CASE WHEN r.item_kind = 'BROADCAST' THEN r.item_id END")}
  ORDER BY r.sort_at DESC, r.item_id DESC
$$;
`;
