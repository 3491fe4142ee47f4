import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { AccountsService } from '@app/accounts';
import {
  afterCommit,
  byKeys,
  ConflictError,
  ConnectionArgs,
  defineLoader,
  encodeCursor,
  ForbiddenError,
  keysetCondition,
  LoaderDefinition,
  NotFoundError,
  pageSize,
  RateLimits,
  RequestLoaders,
  Role,
  runInTransaction,
  Viewer,
} from '@app/common';
import { returningRows } from '@app/database';
import { FollowService, RelationshipPolicy, visibleToViewerSql } from '@app/graph';
import { BroadcastPublisher } from './broadcast-publisher';
import {
  BroadcastRecord,
  broadcastColumns,
  CommentRecord,
  COMMENT_COLUMNS,
  toBroadcastEntity,
  toCommentEntity,
} from './broadcast-records';
import { isScheduledLater, parseTitle } from './broadcast-rules';
import { BroadcastEventKind } from './broadcast-topics';
import { BroadcastEvents } from './broadcasts.events';
import {
  BroadcastEntity,
  BroadcastStatus,
  BroadcastVisibility,
  ChatMode,
} from './entities/broadcast.entity';
import { BroadcastCommentEntity } from './entities/broadcast-comment.entity';

export interface NewBroadcast {
  title: string;
  visibility?: BroadcastVisibility | null;
  chatMode?: ChatMode | null;
  scheduledFor?: Date | null;
}

export interface BroadcastRow {
  broadcast: BroadcastEntity;
  cursor: string;
}

export interface CommentRow {
  comment: BroadcastCommentEntity;
  cursor: string;
}

/** A broadcaster who went live this recently does not notify their followers again. */
const RENOTIFY_AFTER_MINUTES = 10;
const ONE_LIVE_INDEX = 'broadcasts_one_live';

function isOneLiveViolation(error: unknown): boolean {
  const driverError: unknown = error instanceof QueryFailedError ? error.driverError : undefined;
  const { code, constraint } = (driverError ?? {}) as { code?: string; constraint?: string };
  return code === '23505' && constraint === ONE_LIVE_INDEX;
}

const alreadyLive = () =>
  new ConflictError('You are already live: end that broadcast before starting another.');

/**
 * Broadcasts: starting, going live, ending, canceling, chat modes, and reading them as a given
 * viewer may see them. Presence, hearts and chat have services of their own.
 */
@Injectable()
export class BroadcastsService {
  /** Broadcasts by id, whoever may see them; callers apply `isVisible`. */
  readonly byId: LoaderDefinition<string, BroadcastEntity | undefined> = defineLoader(
    'broadcastsById',
    async (ids) => {
      const rows = await this.db.query<BroadcastRecord[]>(
        `SELECT ${broadcastColumns()} FROM broadcasts b WHERE b.id = ANY($1::bigint[])`,
        [ids],
      );
      return byKeys(ids, rows, (r) => r.id, toBroadcastEntity, undefined);
    },
    { viewerIndependent: true },
  );

  /** The LIVE broadcast of each broadcaster, if any (served by broadcasts_one_live). */
  readonly liveByBroadcaster = defineLoader<string, BroadcastEntity | undefined>(
    'liveBroadcastByBroadcaster',
    async (userIds) => {
      const rows = await this.db.query<BroadcastRecord[]>(
        `SELECT ${broadcastColumns()} FROM broadcasts b
         WHERE b.broadcaster_id = ANY($1::bigint[]) AND b.status = 'LIVE'`,
        [userIds],
      );
      return byKeys(userIds, rows, (r) => r.broadcaster_id, toBroadcastEntity, undefined);
    },
    { viewerIndependent: true },
  );

  /** For a viewer: which of these broadcasts banned them. */
  readonly viewerBanned = defineLoader<string, boolean>(
    'broadcastViewerBanned',
    async (broadcastIds, viewerId) => {
      if (!viewerId) return broadcastIds.map(() => false);
      const rows = await this.db.query<{ broadcast_id: string }[]>(
        `SELECT broadcast_id FROM broadcast_bans
         WHERE user_id = $1 AND broadcast_id = ANY($2::bigint[])`,
        [viewerId, broadcastIds],
      );
      const banned = new Set(rows.map((row) => row.broadcast_id));
      return broadcastIds.map((id) => banned.has(id));
    },
  );

  /** `broadcastId:userId` of the bans among these broadcasts and users, for many viewers at once. */
  async bansAmong(broadcastIds: string[], userIds: string[]): Promise<Set<string>> {
    const rows = await this.db.query<{ broadcast_id: string; user_id: string }[]>(
      `SELECT broadcast_id, user_id FROM broadcast_bans
       WHERE broadcast_id = ANY($1::bigint[]) AND user_id = ANY($2::bigint[])`,
      [broadcastIds, userIds],
    );
    return new Set(rows.map((row) => `${row.broadcast_id}:${row.user_id}`));
  }

  readonly commentById = defineLoader<string, BroadcastCommentEntity | undefined>(
    'broadcastCommentsById',
    async (ids) => {
      const rows = await this.db.query<CommentRecord[]>(
        `SELECT ${COMMENT_COLUMNS} FROM broadcast_comments c WHERE c.id = ANY($1::bigint[])`,
        [ids],
      );
      return byKeys(ids, rows, (r) => r.id, toCommentEntity, undefined);
    },
    { viewerIndependent: true },
  );

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly accounts: AccountsService,
    private readonly follows: FollowService,
    private readonly policy: RelationshipPolicy,
    private readonly events: BroadcastEvents,
    private readonly publisher: BroadcastPublisher,
    private readonly limits: RateLimits,
  ) {}

  /**
   * Whether the viewer may see the broadcast: its broadcaster is active and does not block them,
   * they are not banned from it, and a FOLLOWERS broadcast is only for the broadcaster and their
   * followers. For everyone else it does not exist.
   */
  async isVisible(
    loaders: RequestLoaders,
    broadcast: BroadcastEntity,
    viewerId: string | undefined,
  ): Promise<boolean> {
    const own = viewerId === broadcast.broadcasterId;
    const [broadcaster, hidden, banned, follows] = await Promise.all([
      loaders.load(this.accounts.byId, broadcast.broadcasterId),
      this.policy.isHiddenFrom(loaders, broadcast.broadcasterId, viewerId),
      viewerId && !own ? loaders.load(this.viewerBanned, broadcast.id) : false,
      broadcast.visibility === BroadcastVisibility.FOLLOWERS && viewerId && !own
        ? loaders.load(this.follows.viewerFollows, broadcast.broadcasterId)
        : undefined,
    ]);
    if (!broadcaster || hidden || banned) return false;
    return broadcast.visibility === BroadcastVisibility.PUBLIC || own || follows !== undefined;
  }

  /** A comment is seen with its broadcast, unless its author is gone or blocks the viewer. */
  async isCommentVisible(
    loaders: RequestLoaders,
    comment: BroadcastCommentEntity,
    viewerId: string | undefined,
  ): Promise<boolean> {
    const [broadcast, author, hidden] = await Promise.all([
      loaders.load(this.byId, comment.broadcastId),
      loaders.load(this.accounts.byId, comment.authorId),
      this.policy.isHiddenFrom(loaders, comment.authorId, viewerId),
    ]);
    return (
      !!broadcast && !!author && !hidden && (await this.isVisible(loaders, broadcast, viewerId))
    );
  }

  /** The broadcast as the viewer may see it, or NOT_FOUND. */
  async getVisible(
    loaders: RequestLoaders,
    id: string,
    viewerId: string | undefined,
  ): Promise<BroadcastEntity> {
    const broadcast = await loaders.load(this.byId, id);
    if (!broadcast || !(await this.isVisible(loaders, broadcast, viewerId))) {
      throw new NotFoundError('The broadcast');
    }
    return broadcast;
  }

  /**
   * A broadcast the viewer moderates: its broadcaster, or an admin. Admins act on whatever
   * exists (a broadcaster cannot hide from them by blocking); others only on what they see.
   */
  async getModerated(
    loaders: RequestLoaders,
    viewer: Viewer,
    id: string,
    action: string,
  ): Promise<BroadcastEntity> {
    const broadcast =
      viewer.role === Role.ADMIN
        ? await loaders.load(this.byId, id)
        : await this.getVisible(loaders, id, viewer.id);
    if (!broadcast) throw new NotFoundError('The broadcast');
    if (broadcast.broadcasterId !== viewer.id && viewer.role !== Role.ADMIN) {
      throw new ForbiddenError(`Only the broadcaster or an admin can ${action}.`);
    }
    return broadcast;
  }

  /** LIVE now, or SCHEDULED when `scheduledFor` is in the future. One LIVE broadcast per user. */
  async start(viewer: Viewer, input: NewBroadcast): Promise<BroadcastEntity> {
    const title = parseTitle(input.title);
    const scheduled = isScheduledLater(input.scheduledFor, new Date());
    await this.limits.consume(
      'startBroadcast',
      viewer.id,
      'You are starting broadcasts too fast. Wait a while and try again.',
    );
    try {
      return await runInTransaction(this.db, async (manager) => {
        const [row] = await manager.query<BroadcastRecord[]>(
          `INSERT INTO broadcasts AS b
             (broadcaster_id, title, status, visibility, chat_mode, scheduled_for, started_at, stream_key)
           VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $8::boolean THEN NULL ELSE now() END, $7)
           RETURNING ${broadcastColumns()}`,
          [
            viewer.id,
            title,
            scheduled ? BroadcastStatus.SCHEDULED : BroadcastStatus.LIVE,
            input.visibility ?? BroadcastVisibility.PUBLIC,
            input.chatMode ?? ChatMode.EVERYONE,
            scheduled ? input.scheduledFor : null,
            randomBytes(24).toString('base64url'),
            scheduled,
          ],
        );
        const broadcast = toBroadcastEntity(row);
        if (scheduled) await this.events.emit(manager, 'scheduled', { broadcast });
        else await this.wentLive(manager, broadcast, null);
        return broadcast;
      });
    } catch (error) {
      // The partial unique index decides between concurrent starts: exactly one commits.
      if (isOneLiveViolation(error)) throw alreadyLive();
      throw error;
    }
  }

  /**
   * For the media server's publish hook: a SCHEDULED broadcast goes LIVE, a LIVE one stays LIVE
   * (an encoder reconnecting). Unknown keys and finished broadcasts are NOT_FOUND.
   */
  async startByStreamKey(streamKey: string): Promise<BroadcastEntity> {
    try {
      return await runInTransaction(this.db, async (manager) => {
        const current = await this.lockByStreamKey(manager, streamKey);
        if (current?.status === BroadcastStatus.LIVE) return current;
        if (current?.status !== BroadcastStatus.SCHEDULED) throw new NotFoundError('The broadcast');
        const [row] = await returningRows<BroadcastRecord>(
          manager,
          `UPDATE broadcasts b SET status = 'LIVE', started_at = now() WHERE b.id = $1
           RETURNING ${broadcastColumns()}`,
          [current.id],
        );
        const broadcast = toBroadcastEntity(row);
        await this.wentLive(manager, broadcast, current.createdAt);
        return broadcast;
      });
    } catch (error) {
      if (isOneLiveViolation(error)) throw alreadyLive();
      throw error;
    }
  }

  /**
   * For the media server's publish-done hook: a LIVE broadcast ends; an ENDED one is returned as
   * it is. Unknown keys are NOT_FOUND; a broadcast that never went live is a CONFLICT.
   */
  async endByStreamKey(streamKey: string): Promise<BroadcastEntity> {
    return runInTransaction(this.db, async (manager) => {
      const current = await this.lockByStreamKey(manager, streamKey);
      if (!current) throw new NotFoundError('The broadcast');
      if (current.status === BroadcastStatus.ENDED) return current;
      return this.finishLive(manager, current);
    });
  }

  /** For the media hooks: the stream key of a broadcast named by its playback name. */
  async streamKeyOf(id: string): Promise<string | undefined> {
    const [row] = await this.db.query<{ stream_key: string }[]>(
      'SELECT stream_key FROM broadcasts WHERE id = $1',
      [id],
    );
    return row?.stream_key;
  }

  /** The broadcaster or an admin ends a LIVE broadcast. */
  async end(viewer: Viewer, id: string, loaders: RequestLoaders): Promise<BroadcastEntity> {
    await this.getModerated(loaders, viewer, id, 'end a broadcast');
    return runInTransaction(this.db, async (manager) => {
      const current = await this.lock(manager, id);
      return this.finishLive(manager, current);
    });
  }

  /** The broadcaster or an admin calls off a SCHEDULED broadcast. */
  async cancel(viewer: Viewer, id: string, loaders: RequestLoaders): Promise<BroadcastEntity> {
    await this.getModerated(loaders, viewer, id, 'cancel a broadcast');
    return runInTransaction(this.db, async (manager) => {
      const current = await this.lock(manager, id);
      if (current.status !== BroadcastStatus.SCHEDULED) {
        throw new ConflictError(
          `Only a scheduled broadcast can be canceled; this one is ${current.status}.`,
        );
      }
      const [row] = await returningRows<BroadcastRecord>(
        manager,
        `UPDATE broadcasts b SET status = 'CANCELED', ended_at = now() WHERE b.id = $1
         RETURNING ${broadcastColumns()}`,
        [id],
      );
      const broadcast = toBroadcastEntity(row);
      await this.events.emit(manager, 'canceled', { broadcast });
      afterCommit(manager, () => this.publisher.publish(BroadcastEventKind.ENDED, broadcast));
      return broadcast;
    });
  }

  /** Who may comment; the broadcaster or an admin, while the broadcast is not over. */
  async setChatMode(
    viewer: Viewer,
    id: string,
    mode: ChatMode,
    loaders: RequestLoaders,
  ): Promise<BroadcastEntity> {
    await this.getModerated(loaders, viewer, id, 'change the chat mode');
    const [row] = await returningRows<BroadcastRecord>(
      this.db.manager,
      `UPDATE broadcasts b SET chat_mode = $2 WHERE b.id = $1 AND b.status IN ('SCHEDULED', 'LIVE')
       RETURNING ${broadcastColumns()}`,
      [id, mode],
    );
    if (!row) throw new ConflictError('The chat of a finished broadcast cannot change.');
    return toBroadcastEntity(row);
  }

  /**
   * LIVE broadcasts the viewer may see: those of accounts they follow (and their own) first,
   * then other public ones, most watched first.
   */
  async liveNow(viewerId: string | undefined, args: ConnectionArgs): Promise<BroadcastRow[]> {
    const params: unknown[] = [viewerId ?? null, pageSize(args) + 1];
    const after = keysetCondition(
      args.after,
      [
        { sql: 'l.followed', part: 'int' },
        { sql: 'l.viewer_count', part: 'int' },
        { sql: 'l.id', part: 'int' },
      ],
      'DESC',
      params,
    );
    const rows = await this.db.query<(BroadcastRecord & { followed: number })[]>(
      `SELECT l.* FROM (
         SELECT ${broadcastColumns()},
                (f.follower_id IS NOT NULL OR b.broadcaster_id = $1::bigint)::int AS followed
         FROM broadcasts b
         LEFT JOIN follows f ON f.followee_id = b.broadcaster_id AND f.follower_id = $1::bigint
         WHERE b.status = 'LIVE'
           AND (b.visibility = 'PUBLIC' OR f.follower_id IS NOT NULL OR b.broadcaster_id = $1::bigint)
           AND ${visibleToViewerSql('b.broadcaster_id', '$1')}
           AND NOT EXISTS (SELECT 1 FROM broadcast_bans x WHERE x.broadcast_id = b.id AND x.user_id = $1::bigint)
       ) l
       WHERE true ${after && `AND ${after}`}
       ORDER BY l.followed DESC, l.viewer_count DESC, l.id DESC
       LIMIT $2`,
      params,
    );
    return rows.map((row) => ({
      broadcast: toBroadcastEntity(row),
      cursor: encodeCursor([row.followed, row.viewer_count, row.id]),
    }));
  }

  /**
   * The chat of a broadcast in replay order (offset from the start, then id), without the
   * comments of suspended accounts or of accounts that block the viewer.
   */
  async comments(
    broadcastId: string,
    viewerId: string | undefined,
    args: ConnectionArgs,
  ): Promise<CommentRow[]> {
    const params: unknown[] = [broadcastId, pageSize(args) + 1, viewerId ?? null];
    const after = keysetCondition(
      args.after,
      [
        { sql: 'c.offset_ms', part: 'int' },
        { sql: 'c.id', part: 'int' },
      ],
      'ASC',
      params,
    );
    const rows = await this.db.query<CommentRecord[]>(
      `SELECT ${COMMENT_COLUMNS} FROM broadcast_comments c
       WHERE c.broadcast_id = $1 ${after && `AND ${after}`}
         AND ${visibleToViewerSql('c.author_id', '$3')}
       ORDER BY c.offset_ms, c.id
       LIMIT $2`,
      params,
    );
    return rows.map((row) => ({
      comment: toCommentEntity(row),
      cursor: encodeCursor([row.offset_ms, row.id]),
    }));
  }

  /**
   * Before an account is deleted (its rows then go by cascade): takes its presence and comments
   * off the counts of other accounts' broadcasts.
   */
  async forgetAccount(manager: EntityManager, userId: string): Promise<void> {
    // Broadcast rows first, in id order, then presence: the order every presence change locks in.
    await manager.query(
      `WITH locked AS (
         SELECT b.id FROM broadcasts b
         WHERE b.id IN (SELECT broadcast_id FROM broadcast_viewers WHERE user_id = $1)
         ORDER BY b.id FOR NO KEY UPDATE
       ), gone AS (
         DELETE FROM broadcast_viewers v USING locked
         WHERE v.broadcast_id = locked.id AND v.user_id = $1 RETURNING v.broadcast_id
       )
       UPDATE broadcasts b SET viewer_count = b.viewer_count - 1
       FROM gone WHERE b.id = gone.broadcast_id AND b.status = 'LIVE'`,
      [userId],
    );
    await manager.query(
      `WITH gone AS (DELETE FROM broadcast_comments WHERE author_id = $1 RETURNING broadcast_id),
       lost AS (SELECT broadcast_id, count(*)::int AS n FROM gone GROUP BY broadcast_id)
       UPDATE broadcasts b SET comments_count = b.comments_count - lost.n
       FROM lost WHERE b.id = lost.broadcast_id`,
      [userId],
    );
  }

  /** SCHEDULED or new -> LIVE: the in-transaction event, then STARTED once committed. */
  private async wentLive(
    manager: EntityManager,
    broadcast: BroadcastEntity,
    scheduledSortAt: Date | null,
  ): Promise<void> {
    const [previous] = await manager.query<{ recent: boolean }[]>(
      `SELECT COALESCE(max(started_at) > now() - make_interval(mins => $3), false) AS recent
       FROM broadcasts WHERE broadcaster_id = $1 AND id <> $2`,
      [broadcast.broadcasterId, broadcast.id, RENOTIFY_AFTER_MINUTES],
    );
    await this.events.emit(manager, 'wentLive', {
      broadcast,
      scheduledSortAt,
      notifyFollowers: !previous.recent,
    });
    afterCommit(manager, () => this.publisher.publish(BroadcastEventKind.STARTED, broadcast));
  }

  /** LIVE -> ENDED: nobody is counted any more; ENDED goes out once committed. */
  private async finishLive(
    manager: EntityManager,
    current: BroadcastEntity,
  ): Promise<BroadcastEntity> {
    if (current.status !== BroadcastStatus.LIVE) {
      throw new ConflictError(`Only a live broadcast can be ended; this one is ${current.status}.`);
    }
    const [row] = await returningRows<BroadcastRecord>(
      manager,
      `UPDATE broadcasts b SET status = 'ENDED', ended_at = now(), viewer_count = 0 WHERE b.id = $1
       RETURNING ${broadcastColumns()}`,
      [current.id],
    );
    await manager.query('DELETE FROM broadcast_viewers WHERE broadcast_id = $1', [current.id]);
    const broadcast = toBroadcastEntity(row);
    await this.events.emit(manager, 'ended', { broadcast });
    afterCommit(manager, () => this.publisher.publish(BroadcastEventKind.ENDED, broadcast));
    return broadcast;
  }

  /** Locks the row for a state change, so concurrent changes see each other's result. */
  private async lock(manager: EntityManager, id: string): Promise<BroadcastEntity> {
    const [row] = await manager.query<BroadcastRecord[]>(
      `SELECT ${broadcastColumns()} FROM broadcasts b WHERE b.id = $1 FOR NO KEY UPDATE`,
      [id],
    );
    if (!row) throw new NotFoundError('The broadcast');
    return toBroadcastEntity(row);
  }

  private async lockByStreamKey(
    manager: EntityManager,
    streamKey: string,
  ): Promise<BroadcastEntity | undefined> {
    const [row] = await manager.query<BroadcastRecord[]>(
      `SELECT ${broadcastColumns()} FROM broadcasts b WHERE b.stream_key = $1 FOR NO KEY UPDATE`,
      [streamKey],
    );
    return row ? toBroadcastEntity(row) : undefined;
  }

  /** The broadcast as the viewer may see it; undefined when it does not exist or is hidden. */
  async findVisible(
    loaders: RequestLoaders,
    id: string,
    viewerId: string | undefined,
  ): Promise<BroadcastEntity | undefined> {
    const broadcast = await loaders.load(this.byId, id);
    return broadcast && (await this.isVisible(loaders, broadcast, viewerId))
      ? broadcast
      : undefined;
  }
}
