import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  ConflictError,
  ConnectionArgs,
  ConnectionShape,
  encodeCursor,
  keysetPage,
  mapConnection,
} from '@app/common';
import {
  GenerateSql,
  joinedRowSql,
  Queryable,
  readJoinedRow,
  ResultRow,
  returningRows,
  translateConstraints,
} from '@app/database';
import { followsSql, visibleToViewerSql } from '@app/graph';
import { notBannedSql } from './broadcast-bans.repository';
import {
  BroadcastEntity,
  BroadcastStatus,
  BroadcastVisibility,
  ChatMode,
} from './entities/broadcast.entity';

/** A broadcasts row as node-postgres returns it. */
export interface BroadcastRecord {
  id: string;
  broadcaster_id: string;
  title: string;
  status: BroadcastStatus;
  visibility: BroadcastVisibility;
  chat_mode: ChatMode;
  scheduled_for: Date | null;
  started_at: Date | null;
  ended_at: Date | null;
  stream_key: string;
  viewer_count: number;
  peak_viewer_count: number;
  heart_count: number;
  comments_count: number;
  created_at: Date;
}

/** Every column of broadcasts, as `b`, in BroadcastRecord's names. */
export const BROADCAST_COLUMNS =
  'b.id, b.broadcaster_id, b.title, b.status, b.visibility, b.chat_mode, b.scheduled_for, ' +
  'b.started_at, b.ended_at, b.stream_key, b.viewer_count, b.peak_viewer_count, b.heart_count, ' +
  'b.comments_count, b.created_at';

export function toBroadcastEntity(row: BroadcastRecord): BroadcastEntity {
  return Object.assign(new BroadcastEntity(), {
    id: row.id,
    broadcasterId: row.broadcaster_id,
    title: row.title,
    status: row.status,
    visibility: row.visibility,
    chatMode: row.chat_mode,
    scheduledFor: row.scheduled_for,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    streamKey: row.stream_key,
    viewerCount: row.viewer_count,
    peakViewerCount: row.peak_viewer_count,
    heartCount: row.heart_count,
    commentsCount: row.comments_count,
    createdAt: row.created_at,
  });
}

/**
 * SQL the broadcasts library lends to other libraries' statements: a LATERAL join of the broadcast
 * whose id is `idSql`, its columns under `prefix` (read back with `broadcastFromJoinedRow`).
 */
export function broadcastRowSql(idSql: string, prefix: string): string {
  return joinedRowSql(BROADCAST_COLUMNS, prefix, 'broadcasts b', `b.id = ${idSql}`);
}

/** The broadcast `broadcastRowSql` joined, or undefined when there was none. */
export function broadcastFromJoinedRow(
  row: ResultRow,
  prefix: string,
): BroadcastEntity | undefined {
  return readJoinedRow(row, BROADCAST_COLUMNS, prefix, 'id', toBroadcastEntity);
}

/** A broadcast as `start` creates it. */
export interface BroadcastDraft {
  broadcasterId: string;
  title: string;
  visibility: BroadcastVisibility;
  chatMode: ChatMode;
  /** Set: SCHEDULED for then. Null: LIVE now. */
  scheduledFor: Date | null;
  streamKey: string;
}

/** A broadcast as a timeline item: ordered by when it went live, else when it was scheduled. */
export interface BroadcastTimelineKey {
  id: string;
  sortAt: Date;
}

/** The partial unique index that keeps one LIVE broadcast per broadcaster. */
const ONE_LIVE_INDEX = 'broadcasts_one_live';

const alreadyLive = () =>
  new ConflictError('You are already live: end that broadcast before starting another.');

/** The `broadcasts` table: reads, the state machine's writes and the live list. */
@Injectable()
export class BroadcastsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @GenerateSql({ params: [[['1', '2']]] })
  async findByIds(ids: readonly string[]): Promise<BroadcastEntity[]> {
    const rows = await this.db.query<BroadcastRecord[]>(
      `SELECT ${BROADCAST_COLUMNS} FROM broadcasts b WHERE b.id = ANY($1::bigint[])`,
      [ids],
    );
    return rows.map(toBroadcastEntity);
  }

  /** One broadcast as stored now, whoever may see it. */
  @GenerateSql({ params: [['1']] })
  async findById(id: string, db: Queryable = this.db): Promise<BroadcastEntity | undefined> {
    const [row] = await db.query<BroadcastRecord[]>(
      `SELECT ${BROADCAST_COLUMNS} FROM broadcasts b WHERE b.id = $1`,
      [id],
    );
    return row ? toBroadcastEntity(row) : undefined;
  }

  /** The LIVE broadcasts of these broadcasters (one each at most: broadcasts_one_live). */
  @GenerateSql({ params: [[['1', '2']]] })
  async findLiveByBroadcasters(broadcasterIds: readonly string[]): Promise<BroadcastEntity[]> {
    const rows = await this.db.query<BroadcastRecord[]>(
      `SELECT ${BROADCAST_COLUMNS} FROM broadcasts b
       WHERE b.broadcaster_id = ANY($1::bigint[]) AND b.status = 'LIVE'`,
      [broadcasterIds],
    );
    return rows.map(toBroadcastEntity);
  }

  @GenerateSql({ params: [['1']] })
  async streamKeyOf(id: string): Promise<string | undefined> {
    const [row] = await this.db.query<{ stream_key: string }[]>(
      'SELECT stream_key FROM broadcasts WHERE id = $1',
      [id],
    );
    return row?.stream_key;
  }

  @GenerateSql({ params: [['kT3vX9qLmN2pR7sW4yZ8aB1cD5eF6gH0']] })
  async idByStreamKey(streamKey: string): Promise<string | undefined> {
    const [row] = await this.db.query<{ id: string }[]>(
      'SELECT id FROM broadcasts WHERE stream_key = $1',
      [streamKey],
    );
    return row?.id;
  }

  /** The id of `id`'s broadcast when it exists. */
  @GenerateSql({ params: [['1']] })
  async existingId(id: string): Promise<string | undefined> {
    const [row] = await this.db.query<{ id: string }[]>('SELECT id FROM broadcasts WHERE id = $1', [
      id,
    ]);
    return row?.id;
  }

  /**
   * A new broadcast, LIVE (started now) or SCHEDULED. A second LIVE one of the same broadcaster
   * is a CONFLICT: the partial unique index decides between concurrent starts.
   */
  @GenerateSql({
    params: [
      [
        {
          broadcasterId: '1',
          title: 'Live from the studio',
          visibility: BroadcastVisibility.PUBLIC,
          chatMode: ChatMode.EVERYONE,
          scheduledFor: null,
          streamKey: 'kT3vX9qLmN2pR7sW4yZ8aB1cD5eF6gH0',
        },
      ],
    ],
  })
  async insert(draft: BroadcastDraft, db: Queryable = this.db): Promise<BroadcastEntity> {
    const scheduled = draft.scheduledFor !== null;
    const [row] = await translateConstraints(
      () =>
        db.query<BroadcastRecord[]>(
          `INSERT INTO broadcasts AS b
             (broadcaster_id, title, status, visibility, chat_mode, scheduled_for, started_at, stream_key)
           VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $8::boolean THEN NULL ELSE now() END, $7)
           RETURNING ${BROADCAST_COLUMNS}`,
          [
            draft.broadcasterId,
            draft.title,
            scheduled ? BroadcastStatus.SCHEDULED : BroadcastStatus.LIVE,
            draft.visibility,
            draft.chatMode,
            draft.scheduledFor,
            draft.streamKey,
            scheduled,
          ],
        ),
      { [ONE_LIVE_INDEX]: alreadyLive },
    );
    return toBroadcastEntity(row);
  }

  /** Locks the row for a state change, so concurrent changes see each other's result. */
  @GenerateSql({ params: [['1']] })
  async lock(id: string, db: Queryable = this.db): Promise<BroadcastEntity | undefined> {
    const [row] = await db.query<BroadcastRecord[]>(
      `SELECT ${BROADCAST_COLUMNS} FROM broadcasts b WHERE b.id = $1 FOR NO KEY UPDATE`,
      [id],
    );
    return row ? toBroadcastEntity(row) : undefined;
  }

  @GenerateSql({ params: [['kT3vX9qLmN2pR7sW4yZ8aB1cD5eF6gH0']] })
  async lockByStreamKey(
    streamKey: string,
    db: Queryable = this.db,
  ): Promise<BroadcastEntity | undefined> {
    const [row] = await db.query<BroadcastRecord[]>(
      `SELECT ${BROADCAST_COLUMNS} FROM broadcasts b WHERE b.stream_key = $1 FOR NO KEY UPDATE`,
      [streamKey],
    );
    return row ? toBroadcastEntity(row) : undefined;
  }

  /**
   * Locks the status of a broadcast another row is about to reference (a post sharing it), so it
   * cannot be deleted before that row commits. Whether it exists.
   */
  @GenerateSql({ params: [['1']] })
  async lockForReference(id: string, db: Queryable = this.db): Promise<boolean> {
    const rows = await db.query<unknown[]>('SELECT 1 FROM broadcasts WHERE id = $1 FOR KEY SHARE', [
      id,
    ]);
    return rows.length > 0;
  }

  /** SCHEDULED -> LIVE, started now; CONFLICT when the broadcaster is live elsewhere. */
  @GenerateSql({ params: [['1']] })
  async markLive(id: string, db: Queryable = this.db): Promise<BroadcastEntity> {
    const [row] = await translateConstraints(
      () =>
        returningRows<BroadcastRecord>(
          db,
          `UPDATE broadcasts b SET status = 'LIVE', started_at = now() WHERE b.id = $1
           RETURNING ${BROADCAST_COLUMNS}`,
          [id],
        ),
      { [ONE_LIVE_INDEX]: alreadyLive },
    );
    return toBroadcastEntity(row);
  }

  /** LIVE -> ENDED: nobody is counted any more. */
  @GenerateSql({ params: [['1']] })
  async markEnded(id: string, db: Queryable = this.db): Promise<BroadcastEntity> {
    const [row] = await returningRows<BroadcastRecord>(
      db,
      `UPDATE broadcasts b SET status = 'ENDED', ended_at = now(), viewer_count = 0 WHERE b.id = $1
       RETURNING ${BROADCAST_COLUMNS}`,
      [id],
    );
    return toBroadcastEntity(row);
  }

  /** SCHEDULED -> CANCELED. */
  @GenerateSql({ params: [['1']] })
  async markCanceled(id: string, db: Queryable = this.db): Promise<BroadcastEntity> {
    const [row] = await returningRows<BroadcastRecord>(
      db,
      `UPDATE broadcasts b SET status = 'CANCELED', ended_at = now() WHERE b.id = $1
       RETURNING ${BROADCAST_COLUMNS}`,
      [id],
    );
    return toBroadcastEntity(row);
  }

  /** The new chat mode of a broadcast that is not over; undefined once it is. */
  @GenerateSql({ params: [['1', ChatMode.FOLLOWERS]] })
  async setChatMode(id: string, mode: ChatMode): Promise<BroadcastEntity | undefined> {
    const [row] = await returningRows<BroadcastRecord>(
      this.db.manager,
      `UPDATE broadcasts b SET chat_mode = $2 WHERE b.id = $1 AND b.status IN ('SCHEDULED', 'LIVE')
       RETURNING ${BROADCAST_COLUMNS}`,
      [id, mode],
    );
    return row ? toBroadcastEntity(row) : undefined;
  }

  /** Whether the broadcaster went live in another broadcast within the last `minutes`. */
  @GenerateSql({ params: [['1', '2', 10]] })
  async wentLiveWithin(
    broadcasterId: string,
    exceptId: string,
    minutes: number,
    db: Queryable = this.db,
  ): Promise<boolean> {
    const [row] = await db.query<{ recent: boolean }[]>(
      `SELECT COALESCE(max(started_at) > now() - make_interval(mins => $3), false) AS recent
       FROM broadcasts WHERE broadcaster_id = $1 AND id <> $2`,
      [broadcasterId, exceptId, minutes],
    );
    return row.recent;
  }

  /** The broadcaster's LIVE broadcast, if any, of FOLLOWERS visibility only when asked. */
  @GenerateSql({ params: [['1', true]] })
  async liveIdOf(
    broadcasterId: string,
    onlyFollowersVisibility: boolean,
    db: Queryable = this.db,
  ): Promise<string | undefined> {
    const [live] = await db.query<{ id: string }[]>(
      `SELECT id FROM broadcasts WHERE broadcaster_id = $1 AND status = 'LIVE'
         AND (visibility = 'FOLLOWERS' OR NOT $2)`,
      [broadcasterId, onlyFollowersVisibility],
    );
    return live?.id;
  }

  /**
   * LIVE broadcasts the viewer may see: those of accounts they follow (and their own) first, then
   * other public ones, most watched first.
   */
  @GenerateSql({
    params: [
      ['1', { first: 20 }],
      ['1', { first: 20, after: encodeCursor([1, 12, '7']) }],
      [undefined, { first: 20 }],
    ],
  })
  async liveNow(
    viewerId: string | undefined,
    args: ConnectionArgs,
  ): Promise<ConnectionShape<BroadcastEntity>> {
    const page = await keysetPage(
      args,
      {
        columns: [
          { sql: 'l.followed', part: 'int' },
          { sql: 'l.viewer_count', part: 'int' },
          { sql: 'l.id', part: 'int' },
        ],
        direction: 'DESC',
        keyOf: (row: BroadcastRecord & { followed: number }) => [
          row.followed,
          row.viewer_count,
          row.id,
        ],
      },
      [viewerId ?? null],
      ({ andAfter, limit, params }) =>
        this.db.query<(BroadcastRecord & { followed: number })[]>(
          `SELECT l.* FROM (
             SELECT ${BROADCAST_COLUMNS},
                    (${followsSql('$1::bigint', 'b.broadcaster_id')} OR b.broadcaster_id = $1::bigint)::int AS followed
             FROM broadcasts b
             WHERE b.status = 'LIVE'
               AND ${visibleToViewerSql('b.broadcaster_id', '$1')}
               AND ${notBannedSql('b.id', '$1::bigint')}
           ) l
           WHERE (l.visibility = 'PUBLIC' OR l.followed = 1) ${andAfter}
           ORDER BY l.followed DESC, l.viewer_count DESC, l.id DESC
           LIMIT $${params.push(limit)}`,
          params,
        ),
    );
    return mapConnection(page, toBroadcastEntity);
  }

  /** A broadcaster's broadcasts as timeline items, newest first, before `before` when given. */
  @GenerateSql({
    params: [
      ['1', undefined, 20],
      ['1', { sortAt: '2026-01-01T12:00:00.000Z', itemId: '7' }, 20],
    ],
  })
  async sortKeysOf(
    broadcasterId: string,
    before: { sortAt: string; itemId: string } | undefined,
    limit: number,
    db: Queryable = this.db,
  ): Promise<BroadcastTimelineKey[]> {
    const params: unknown[] = [broadcasterId, limit];
    const keyset = before
      ? 'AND (COALESCE(started_at, created_at), id) < ($3::timestamptz, $4::bigint)'
      : '';
    if (before) params.push(before.sortAt, before.itemId);
    const rows = await db.query<{ id: string; sort_at: Date }[]>(
      `SELECT id, COALESCE(started_at, created_at) AS sort_at FROM broadcasts
       WHERE broadcaster_id = $1 AND status <> 'CANCELED' ${keyset}
       ORDER BY sort_at DESC, id DESC LIMIT $2`,
      params,
    );
    return rows.map((row) => ({ id: row.id, sortAt: row.sort_at }));
  }
}
