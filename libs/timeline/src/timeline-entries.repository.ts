import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  activeUserRowSql,
  activeUsersJsonSql,
  followersCountSql,
  UserEntity,
  userFromJoinedRow,
  usersFromJson,
} from '@app/accounts';
import {
  BroadcastEntity,
  BroadcastReplayEntity,
  broadcastFromJoinedRow,
  broadcastRowSql,
  notBannedSql,
  replayFromJoinedRow,
  replayRowSql,
} from '@app/broadcasts';
import {
  ConnectionArgs,
  ConnectionShape,
  encodeCursor,
  groupBy,
  keysetPage,
  MAX_PAGE_SIZE,
} from '@app/common';
import {
  GenerateSql,
  joinedRowAlias,
  PositionalRow,
  preparedQuery,
  preparedRows,
  Queryable,
  returningRows,
} from '@app/database';
import {
  blocksSql,
  followersOfSql,
  followNotifySql,
  followsOfSql,
  FollowState,
  visibleToViewerSql,
  VisibilityScope,
} from '@app/graph';
import {
  likedBySql,
  mentionedUserIdsSql,
  PostEntity,
  postFromJoinedRow,
  postRowSql,
} from '@app/posts';
import { TimelineItemKind } from './entities/timeline-entry.entity';
import { TimelineItemRef } from './timeline-sources';
import { LogPosition } from './log-position';
import { TimelineUpdateKind } from './entities/timeline-update.entity';
import { appendLogSql, headPosition, LOG_BOUNDS_SQL } from './timeline-updates.repository';

/** A row of `timeline_entries` or `timeline_pulled_items`: an item where a timeline sorts it. */
interface RefRecord {
  sort_at: Date;
  item_id: string;
  item_kind: TimelineItemKind;
  author_id: string;
}

const REF_COLUMNS = 'sort_at, item_id, item_kind, author_id';

/**
 * What the home statement reads beside each item for the viewer ($1): its post or broadcast, the
 * broadcast a post shares, the accounts they show, and the viewer's facts about them. Rows come
 * as prefixed columns (see the row fragments); a missing one is all nulls. An empty page is one
 * row with only the log head. Read by position (PositionalRow): each row has 68 columns.
 */
interface HomeColumns extends RefRecord {
  head: string;
  author_blocks_viewer: boolean | null;
  viewer_liked: boolean | null;
  mentioned_user_ids: string[];
  /** JSON, see activeUsersJsonSql. */
  mentioned_users: unknown;
  mentioned_blocking_viewer: string[];
  broadcast_banned: boolean | null;
  broadcast_follows: boolean | null;
  shared_by_blocks_viewer: boolean | null;
}

/** A named column of a home row. */
function homeColumn<K extends keyof HomeColumns>(row: PositionalRow, column: K): HomeColumns[K] {
  return row.get(column) as HomeColumns[K];
}

/** A page of a timeline and the update log's head in the snapshot it was read from. */
export interface TimelinePage<T extends TimelineItemRef = TimelineItemRef> {
  page: ConnectionShape<T>;
  /** Every update behind it is reflected in the page; the others are not. */
  logHead: LogPosition;
}

/** An account an item shows, as the viewer sees it. */
export interface AccountReads {
  id: string;
  /** Undefined when the account is not active. */
  user: UserEntity | undefined;
  blocksViewer: boolean;
}

/** A post an item shows, as the viewer sees it. */
export interface PostReads {
  id: string;
  /** Undefined when it is gone. */
  row: PostEntity | undefined;
  viewerHasLiked: boolean;
  mentionedUserIds: string[];
}

/** A broadcast an item shows, as the viewer sees it. */
export interface BroadcastReads {
  id: string;
  /** Undefined when it is gone. */
  row: BroadcastEntity | undefined;
  viewerBanned: boolean;
  /** Whether the viewer follows the broadcaster (and asked to hear when they go live). */
  viewerFollows: FollowState | undefined;
  /** Its replay, when it has one (not deleted). */
  replay: BroadcastReplayEntity | undefined;
}

/** Everything an item shows, read with the page, so resolving it needs no statement. */
export interface HomeReads {
  accounts: AccountReads[];
  posts: PostReads[];
  broadcasts: BroadcastReads[];
}

/** A home page item and what it shows, as the viewer sees it. */
export interface HomeItem extends TimelineItemRef {
  reads: HomeReads;
}

/** Row prefixes (and aliases, without the trailing underscores) of the home statement. */
const POST = 'post__';
const AUTHOR = 'author__';
/**
 * The broadcast an item shows: the item itself, or the one a post shares. One slot for both
 * keeps the row narrow: every column costs pg's parsing on each row of each page.
 */
const BROADCAST = 'broadcast__';
const REPLAY = 'replay__';
/** The broadcaster of the broadcast a post shares. */
const SHARED_BY = 'shared_by__';

/**
 * The joins that read the broadcast whose id is `idSql`, and its replay; and the viewer's facts
 * about it as columns `broadcast_banned` and `broadcast_follows`.
 */
function broadcastReadsSql(idSql: string) {
  const alias = joinedRowAlias(BROADCAST);
  const id = `${alias}.${BROADCAST}id`;
  const broadcaster = `${alias}.${BROADCAST}broadcaster_id`;
  return {
    joins: `${broadcastRowSql(idSql, BROADCAST)}
           ${replayRowSql(id, REPLAY)}`,
    columns: `NOT ${notBannedSql(id, '$1')} AS broadcast_banned,
             ${followNotifySql('$1', broadcaster)} AS broadcast_follows`,
  };
}

function toBroadcastReads(row: PositionalRow): BroadcastReads | undefined {
  const broadcast = broadcastFromJoinedRow(row, BROADCAST);
  if (!broadcast) return undefined;
  const follows = homeColumn(row, 'broadcast_follows');
  return {
    id: broadcast.id,
    row: broadcast,
    viewerBanned: homeColumn(row, 'broadcast_banned') === true,
    viewerFollows: follows === null ? undefined : { notify: follows },
    replay: replayFromJoinedRow(row, REPLAY),
  };
}

function toHomeItem(row: PositionalRow): HomeItem {
  const authorId = homeColumn(row, 'author_id');
  const item: HomeItem = {
    kind: homeColumn(row, 'item_kind'),
    itemId: homeColumn(row, 'item_id'),
    authorId,
    sortAt: homeColumn(row, 'sort_at'),
    reads: {
      accounts: [
        {
          id: authorId,
          user: userFromJoinedRow(row, AUTHOR),
          blocksViewer: homeColumn(row, 'author_blocks_viewer') === true,
        },
      ],
      posts: [],
      broadcasts: [],
    },
  };
  const { reads } = item;
  if (item.kind === TimelineItemKind.POST) {
    const post = postFromJoinedRow(row, POST);
    const mentionedUserIds = homeColumn(row, 'mentioned_user_ids');
    reads.posts.push({
      id: item.itemId,
      row: post,
      viewerHasLiked: homeColumn(row, 'viewer_liked') === true,
      mentionedUserIds,
    });
    if (mentionedUserIds.length > 0) {
      const mentioned = new Map(
        usersFromJson(homeColumn(row, 'mentioned_users')).map((user) => [user.id, user]),
      );
      const blockers = new Set(homeColumn(row, 'mentioned_blocking_viewer'));
      for (const id of mentionedUserIds) {
        reads.accounts.push({ id, user: mentioned.get(id), blocksViewer: blockers.has(id) });
      }
    }
    const shared = toBroadcastReads(row);
    if (post?.broadcastId) {
      reads.broadcasts.push(shared ?? emptyBroadcastReads(post.broadcastId));
    }
    if (shared?.row) {
      reads.accounts.push({
        id: shared.row.broadcasterId,
        user: userFromJoinedRow(row, SHARED_BY),
        blocksViewer: homeColumn(row, 'shared_by_blocks_viewer') === true,
      });
    }
  } else {
    reads.broadcasts.push(toBroadcastReads(row) ?? emptyBroadcastReads(item.itemId));
  }
  return item;
}

/** A broadcast gone since the item or the post sharing it was written. */
function emptyBroadcastReads(id: string): BroadcastReads {
  return { id, row: undefined, viewerBanned: false, viewerFollows: undefined, replay: undefined };
}

function toRef(row: RefRecord): TimelineItemRef {
  return {
    kind: row.item_kind,
    itemId: row.item_id,
    authorId: row.author_id,
    sortAt: row.sort_at,
  };
}

/**
 * How many references each source of the home page reads: the page's LIMIT rounded up to one of
 * these, as a literal. With a parameter there, PostgreSQL's generic plan guesses a tenth of the
 * reader's timeline and costs far more than a custom one, so every page would be planned anew,
 * which takes twice as long as running it. A literal per page size would instead keep up to 100
 * plans per connection, at about 0.7 MB each. The page's own LIMIT stays a parameter.
 */
const SOURCE_LIMITS = [11, 21, 51, MAX_PAGE_SIZE + 1];

/** Keyset conditions come in a few fixed shapes, so this holds a few texts. */
const homeStatements = new Map<string, string>();

/**
 * The home statement for a cursor condition (`andAfter`, empty on the first page), the page's
 * LIMIT parameter and the LIMIT of each source (a literal from SOURCE_LIMITS). Each text is built
 * once: it is long, and building it and naming its prepared statement would cost every request.
 */
function homeSql(andAfter: string, limitParam: string, sourceLimit: number): string {
  const key = `${andAfter}\u0000${limitParam}\u0000${sourceLimit}`;
  let sql = homeStatements.get(key);
  if (sql === undefined) {
    sql = buildHomeSql(andAfter, limitParam, sourceLimit);
    homeStatements.set(key, sql);
  }
  return sql;
}

function buildHomeSql(andAfter: string, limitParam: string, sourceLimit: number): string {
  const broadcast = broadcastReadsSql(
    `CASE WHEN page.item_kind = 'BROADCAST' THEN page.item_id ELSE post.${POST}broadcast_id END`,
  );
  const sharedBy = `CASE WHEN page.item_kind = 'POST' THEN broadcast.${BROADCAST}broadcaster_id END`;
  return `WITH log AS (${LOG_BOUNDS_SQL})
           SELECT log.head, page.*, post.*, author.*, broadcast.*, replay.*, shared_by.*,
             ${blocksSql('page.author_id', '$1')} AS author_blocks_viewer,
             ${likedBySql(`post.${POST}id`, '$1')} AS viewer_liked,
             mention.ids AS mentioned_user_ids,
             ${activeUsersJsonSql('mention.ids')} AS mentioned_users,
             ARRAY(SELECT m.id FROM unnest(mention.ids) m(id)
                   WHERE ${blocksSql('m.id', '$1')}) AS mentioned_blocking_viewer,
             ${broadcast.columns},
             ${blocksSql(sharedBy, '$1')} AS shared_by_blocks_viewer
           FROM log LEFT JOIN LATERAL (
           SELECT ${REF_COLUMNS} FROM (
             (SELECT ${REF_COLUMNS}
              FROM timeline_entries te
              WHERE te.owner_id = $1 ${andAfter}
                AND ${visibleToViewerSql('te.author_id', '$1', VisibilityScope.FOLLOWED_FEED)}
              ORDER BY te.sort_at DESC, te.item_id DESC
              LIMIT ${sourceLimit})
             UNION
             (SELECT pi.sort_at, pi.item_id, pi.item_kind, pi.author_id
              FROM timeline_pull_authors pa
              JOIN (${followsOfSql('ARRAY[$1::bigint]')}) f ON f.followee_id = pa.author_id
              CROSS JOIN LATERAL (
                SELECT ${REF_COLUMNS}
                FROM timeline_pulled_items
                WHERE author_id = pa.author_id ${andAfter}
                ORDER BY sort_at DESC, item_id DESC
                LIMIT ${sourceLimit}
              ) pi
              WHERE ${visibleToViewerSql('pa.author_id', '$1', VisibilityScope.FOLLOWED_FEED)})
           ) merged
           ORDER BY sort_at DESC, item_id DESC
           LIMIT ${limitParam}) page ON true
           ${postRowSql(`CASE WHEN page.item_kind = 'POST' THEN page.item_id END`, POST)}
           ${activeUserRowSql('page.author_id', AUTHOR)}
           CROSS JOIN LATERAL (SELECT ${mentionedUserIdsSql(`post.${POST}id`)} AS ids) mention
           ${broadcast.joins}
           ${activeUserRowSql(sharedBy, SHARED_BY)}
           ORDER BY page.sort_at DESC, page.item_id DESC`;
}

/** Where an item went (or was) in home timelines. */
export interface TimelinePlacement {
  /** Owners whose home timeline holds (or held) the item. */
  owners: string[];
  /** Written once for the author's followers to pull, not per follower. */
  pulled: boolean;
}

const EXAMPLE_ITEM: TimelineItemRef = {
  kind: TimelineItemKind.POST,
  itemId: '42',
  authorId: '1',
  sortAt: new Date('2026-01-01T10:00:00.000Z'),
};

/**
 * Home timelines: `timeline_entries` (one row per owner and item, fan-out on write), and for
 * accounts above the fan-out limit `timeline_pulled_items` (their items, once) and
 * `timeline_pull_authors` (who they are).
 */
@Injectable()
export class TimelineEntriesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * The viewer's home: their materialized timeline merged with the pulled items of the large
   * accounts they follow, without authors hidden from the viewer's feeds (muted, suspended; a
   * block takes the rows out), each item with everything it shows as the viewer sees it
   * (HomeReads: rows, accounts, the viewer's facts), so resolving the page sends nothing more.
   * One statement; its cost depends on the page size and the number of large accounts followed,
   * not on the follow count. The log head is the statement's own snapshot: an update whose writer
   * it saw is on the page and behind the head, any other is not on the page and ahead of it.
   * Resuming `timelineUpdates` from the head therefore brings each later change once and nothing
   * the page already shows.
   */
  @GenerateSql({
    params: [
      ['1', { first: 20 }],
      ['1', { first: 20, after: encodeCursor(['2026-01-01T10:00:00.000Z', '42']) }],
    ],
  })
  async home(viewerId: string, args: ConnectionArgs): Promise<TimelinePage<HomeItem>> {
    let head = '';
    const page = await keysetPage(
      args,
      {
        columns: [
          { sql: 'sort_at', part: 'timestamp' },
          { sql: 'item_id', part: 'int' },
        ],
        direction: 'DESC',
        keyOf: (item: HomeItem) => [item.sortAt, item.itemId],
      },
      [viewerId],
      async ({ andAfter, limit, params }) => {
        params.push(limit);
        const sourceLimit = SOURCE_LIMITS.find((bound) => bound >= limit) ?? limit;
        const rows = await preparedRows(
          this.db,
          homeSql(andAfter, `$${params.length}`, sourceLimit),
          params,
        );
        head = homeColumn(rows[0], 'head');
        return rows.filter((row) => homeColumn(row, 'item_id') !== null).map(toHomeItem);
      },
    );
    return { page, logHead: headPosition(head) };
  }

  /**
   * Puts the item into home timelines and logs `kind` for each, in one statement. An author with
   * at most `fanoutMaxFollowers` followers: into the timelines of the author and their followers
   * (for a reply, only followers who also follow `onlyFollowersOf`), logged for the owners it was
   * new to. Above it: once for followers to pull (the author listed as one to pull from) and into
   * the author's own timeline, logged for the author and in one ownerless row for the followers.
   * A `newItem` (written by this transaction) cannot be in any timeline yet, so its rows go in
   * without the conflict check, which costs a speculative insertion per row.
   */
  @GenerateSql({
    params: [
      [TimelineUpdateKind.ADDED, EXAMPLE_ITEM, null, false, 5000],
      [TimelineUpdateKind.ADDED, EXAMPLE_ITEM, '2', false, 5000],
      [TimelineUpdateKind.ADDED, EXAMPLE_ITEM, null, true, 5000],
    ],
  })
  async place(
    kind: TimelineUpdateKind,
    item: TimelineItemRef,
    onlyFollowersOf: string | null,
    newItem: boolean,
    fanoutMaxFollowers: number,
    db: Queryable = this.db,
  ): Promise<TimelinePlacement> {
    // One round trip per write: the pulled/fanned decision, the rows and their log go together;
    // sibling CTEs see the same snapshot, so the log reads the owners from the INSERT's RETURNING.
    const pulled = '(SELECT pulled FROM author)';
    const [row] = await preparedQuery<{ owners: string[]; pulled: boolean }>(
      db,
      `WITH author AS MATERIALIZED (
         SELECT COALESCE(${followersCountSql('$1::bigint')}, 0) > $7::int AS pulled),
       pulled_item AS (
         INSERT INTO timeline_pulled_items (author_id, sort_at, item_id, item_kind)
         SELECT $1::bigint, $2::timestamptz, $3::bigint, $4::timeline_item_kind WHERE ${pulled}
         ON CONFLICT DO NOTHING),
       pull_author AS (
         INSERT INTO timeline_pull_authors (author_id) SELECT $1 WHERE ${pulled}
         ON CONFLICT DO NOTHING),
       placed AS (
         INSERT INTO timeline_entries (owner_id, sort_at, item_id, item_kind, author_id)
         SELECT owner_id, $2, $3, $4, $1 FROM (
           SELECT $1::bigint AS owner_id
           UNION ALL
           SELECT follower_id FROM (${followersOfSql('$1', { alsoFollowing: '$5' })}) f
           WHERE NOT ${pulled}
         ) owners
         ${newItem ? '' : 'ON CONFLICT DO NOTHING'}
         RETURNING owner_id),
       logged_owners AS (
         SELECT owner_id FROM placed WHERE NOT ${pulled}
         UNION ALL
         SELECT $1 WHERE ${pulled}),
       logged AS (${appendLogSql({
         owners: 'SELECT owner_id FROM logged_owners',
         authorId: '$1',
         kind: '$6::timeline_update_kind',
         itemKind: '$4',
         itemId: '$3',
         forFollowersOfAuthor: pulled,
       })})
       SELECT ${pulled} AS pulled, ARRAY(SELECT owner_id FROM logged_owners) AS owners`,
      [
        item.authorId,
        item.sortAt,
        item.itemId,
        item.kind,
        onlyFollowersOf,
        kind,
        fanoutMaxFollowers,
      ],
    );
    return { owners: row.owners, pulled: row.pulled };
  }

  /** Who has the item in their timeline now. */
  @GenerateSql({ params: [['42']] })
  async holders(itemId: string, db: Queryable = this.db): Promise<TimelinePlacement> {
    const owners = await db.query<{ owner_id: string }[]>(
      'SELECT owner_id FROM timeline_entries WHERE item_id = $1',
      [itemId],
    );
    const pulled = await db.query<unknown[]>(
      'SELECT 1 FROM timeline_pulled_items WHERE item_id = $1',
      [itemId],
    );
    return { owners: owners.map((row) => row.owner_id), pulled: pulled.length > 0 };
  }

  /** Takes an item out of every timeline; returns whose it was in. */
  @GenerateSql({ params: [['42']] })
  async removeItem(itemId: string, db: Queryable = this.db): Promise<TimelinePlacement> {
    const manager = db instanceof DataSource ? db.manager : db;
    const owners = await returningRows<{ owner_id: string }>(
      manager,
      'DELETE FROM timeline_entries WHERE item_id = $1 RETURNING owner_id',
      [itemId],
    );
    const pulled = await returningRows(
      manager,
      'DELETE FROM timeline_pulled_items WHERE item_id = $1 RETURNING 1',
      [itemId],
    );
    return { owners: owners.map((row) => row.owner_id), pulled: pulled.length > 0 };
  }

  /**
   * Takes an item out of every timeline and logs `kind` for each, in one statement; returns whose
   * it was in.
   */
  @GenerateSql({ params: [[TimelineUpdateKind.REMOVED, EXAMPLE_ITEM]] })
  async removeItemLogged(
    kind: TimelineUpdateKind,
    item: Pick<TimelineItemRef, 'kind' | 'itemId' | 'authorId'>,
    db: Queryable = this.db,
  ): Promise<TimelinePlacement> {
    const [row] = await db.query<{ owners: string[]; pulled: boolean }[]>(
      `WITH gone AS (DELETE FROM timeline_entries WHERE item_id = $1 RETURNING owner_id),
       gone_pulled AS (DELETE FROM timeline_pulled_items WHERE item_id = $1 RETURNING 1),
       logged AS (${appendLogSql({
         owners: 'SELECT owner_id FROM gone',
         authorId: '$2::bigint',
         kind: '$3::timeline_update_kind',
         itemKind: '$4::timeline_item_kind',
         itemId: '$1::bigint',
         forFollowersOfAuthor: 'EXISTS (SELECT 1 FROM gone_pulled)',
       })})
       SELECT ARRAY(SELECT owner_id FROM gone) AS owners,
         EXISTS (SELECT 1 FROM gone_pulled) AS pulled`,
      [item.itemId, item.authorId, kind, item.kind],
    );
    return { owners: row.owners, pulled: row.pulled };
  }

  /** Puts the author's `items` into the owner's timeline; returns the ids it did not hold yet. */
  @GenerateSql({ params: [['2', '1', [EXAMPLE_ITEM]]] })
  async addToOwner(
    ownerId: string,
    authorId: string,
    items: readonly TimelineItemRef[],
    db: Queryable = this.db,
  ): Promise<string[]> {
    const rows = await db.query<{ item_id: string }[]>(
      `INSERT INTO timeline_entries (owner_id, sort_at, item_id, item_kind, author_id)
       SELECT $1, i.sort_at, i.item_id, i.item_kind::timeline_item_kind, $2
       FROM unnest($3::timestamptz[], $4::bigint[], $5::text[]) AS i(sort_at, item_id, item_kind)
       ON CONFLICT DO NOTHING
       RETURNING item_id`,
      [
        ownerId,
        authorId,
        items.map((i) => i.sortAt),
        items.map((i) => i.itemId),
        items.map((i) => i.kind),
      ],
    );
    return rows.map((row) => row.item_id);
  }

  /** The author's items leave the owner's timeline; returns them. */
  @GenerateSql({ params: [['2', '1']] })
  async removeAuthorFromOwner(
    ownerId: string,
    authorId: string,
    db: Queryable = this.db,
  ): Promise<TimelineItemRef[]> {
    const rows = await returningRows<RefRecord>(
      db instanceof DataSource ? db.manager : db,
      `DELETE FROM timeline_entries WHERE owner_id = $1 AND author_id = $2
       RETURNING ${REF_COLUMNS}`,
      [ownerId, authorId],
    );
    return rows.map(toRef);
  }

  /** The account's timeline, and its items in everyone's, go. */
  @GenerateSql({ params: [['1']] })
  async forgetAccount(userId: string, db: Queryable = this.db): Promise<void> {
    // author_id has no index; the author's own timeline holds all their items (see fanOut and
    // addPulled), so their rows elsewhere are found through the item index.
    await db.query(
      `DELETE FROM timeline_entries WHERE item_id IN (
         SELECT item_id FROM timeline_entries WHERE owner_id = $1 AND author_id = $1)`,
      [userId],
    );
    await db.query('DELETE FROM timeline_entries WHERE owner_id = $1', [userId]);
    await db.query('DELETE FROM timeline_pulled_items WHERE author_id = $1', [userId]);
    await db.query('DELETE FROM timeline_pull_authors WHERE author_id = $1', [userId]);
  }

  /** The accounts above the fan-out limit each viewer follows, in one statement. */
  @GenerateSql({ params: [[['1', '2']]] })
  async pullAuthorsOf(viewerIds: readonly string[]): Promise<Map<string, Set<string>>> {
    const rows = await this.db.query<{ viewer_id: string; author_id: string }[]>(
      `SELECT f.follower_id AS viewer_id, pa.author_id FROM timeline_pull_authors pa
       JOIN (${followsOfSql('$1')}) f ON f.followee_id = pa.author_id`,
      [[...new Set(viewerIds)]],
    );
    const byViewer = groupBy(
      rows,
      (row) => row.viewer_id,
      (row) => row.author_id,
    );
    return new Map([...byViewer].map(([viewer, authors]) => [viewer, new Set(authors)]));
  }
}
