import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import {
  afterCommit,
  byKeys,
  defineLoader,
  NotFoundError,
  RequestLoaders,
  runInTransaction,
  Viewer,
} from '@app/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { returningRows } from '@app/database';
import { visibleToViewerSql } from '@app/graph';
import {
  CommentRecord,
  COMMENT_COLUMNS,
  findBroadcast,
  toCommentEntity,
} from '../broadcast-records';
import { BroadcastsService } from '../broadcasts.service';
import { BroadcastEvents } from '../broadcasts.events';
import { BroadcastEntity, BroadcastStatus } from '../entities/broadcast.entity';
import { BroadcastCommentEntity } from '../entities/broadcast-comment.entity';
import { BroadcastReplayEntity } from '../entities/broadcast-replay.entity';
import { playbackName } from '../playback-name';
import { ReplayWindow } from './replay-rules';

interface ReplayRecord {
  broadcast_id: string;
  duration_ms: number;
  available_at: Date;
  deleted_at: Date | null;
  view_count: number;
}

const REPLAY_COLUMNS = 'r.broadcast_id, r.duration_ms, r.available_at, r.deleted_at, r.view_count';

function toReplayEntity(row: ReplayRecord): BroadcastReplayEntity {
  return Object.assign(new BroadcastReplayEntity(), {
    broadcastId: row.broadcast_id,
    durationMs: row.duration_ms,
    availableAt: row.available_at,
    deletedAt: row.deleted_at,
    viewCount: row.view_count,
  });
}

/** What the media server's replay-ready call led to. */
export type ReplayReadyOutcome = 'stored' | 'gone';

export type ReplayEvent =
  | { kind: 'COMMENT'; offsetMs: number; comment: BroadcastCommentEntity }
  | { kind: 'HEARTS'; offsetMs: number; hearts: number };

const SWEEP_INTERVAL_MS = 3600_000;
const SWEEP_BATCH = 100;

/**
 * Replays: the media server reports a recording ready, the broadcaster deletes it, the retention
 * sweep deletes old ones; viewers read its chat and hearts by window and are counted once.
 * A replay is available while its broadcast is ENDED and it is not deleted.
 */
@Injectable()
export class ReplaysService implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger('Replays');
  private sweepTimer?: NodeJS.Timeout;

  /** The replay of each broadcast that has one (not deleted), whatever its status. */
  readonly byBroadcast = defineLoader<string, BroadcastReplayEntity | undefined>(
    'replaysByBroadcast',
    async (ids) => {
      const rows = await this.db.query<ReplayRecord[]>(
        `SELECT ${REPLAY_COLUMNS} FROM broadcast_replays r
         WHERE r.broadcast_id = ANY($1::bigint[]) AND r.deleted_at IS NULL`,
        [ids],
      );
      return byKeys(ids, rows, (r) => r.broadcast_id, toReplayEntity, undefined);
    },
    { viewerIndependent: true },
  );

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly broadcasts: BroadcastsService,
    private readonly broadcastEvents: BroadcastEvents,
  ) {}

  onModuleInit(): void {
    if (this.config.media.replayRetentionDays === 0) return;
    this.sweepTimer = setInterval(() => {
      this.sweep().catch((error: Error) => this.log.error(`Sweep: ${error.message}`, error.stack));
    }, SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweepTimer);
  }

  /** The replay a viewer may play: its broadcast is ENDED and the replay not deleted. */
  async available(
    loaders: RequestLoaders,
    broadcast: Pick<BroadcastEntity, 'id' | 'status'>,
  ): Promise<BroadcastReplayEntity | undefined> {
    if (broadcast.status !== BroadcastStatus.ENDED) return undefined;
    return loaders.load(this.byBroadcast, broadcast.id);
  }

  /**
   * The media server wrote (or rewrote, after the encoder came back) the broadcast's VOD playlist.
   * Stored while the broadcast is LIVE or ENDED; an ENDED broadcast's card is UPDATED at once.
   * A deleted replay stays deleted, and a broadcast that is gone has none: 'gone' tells the media
   * server to remove the files.
   */
  async ready(broadcastId: string, durationMs: number): Promise<ReplayReadyOutcome> {
    return runInTransaction(this.db, async (manager) => {
      const [locked] = await manager.query<{ status: BroadcastStatus }[]>(
        'SELECT status FROM broadcasts WHERE id = $1 FOR NO KEY UPDATE',
        [broadcastId],
      );
      if (locked?.status !== BroadcastStatus.LIVE && locked?.status !== BroadcastStatus.ENDED) {
        return 'gone';
      }
      const stored = await returningRows<ReplayRecord>(
        manager,
        `INSERT INTO broadcast_replays AS r (broadcast_id, duration_ms) VALUES ($1, $2)
         ON CONFLICT (broadcast_id) DO UPDATE
           SET duration_ms = EXCLUDED.duration_ms, available_at = now()
           WHERE r.deleted_at IS NULL
         RETURNING ${REPLAY_COLUMNS}`,
        [broadcastId, durationMs],
      );
      if (stored.length === 0) return 'gone';
      if (locked.status === BroadcastStatus.ENDED) await this.changed(manager, broadcastId);
      return 'stored';
    });
  }

  /** The broadcaster (or an admin) deletes the replay: gone for everyone, files too. */
  async delete(
    viewer: Viewer,
    broadcastId: string,
    loaders: RequestLoaders,
  ): Promise<BroadcastEntity> {
    const broadcast = await this.broadcasts.getModerated(
      loaders,
      viewer,
      broadcastId,
      'delete its replay',
    );
    await runInTransaction(this.db, async (manager) => {
      const deleted = await returningRows<{ broadcast_id: string }>(
        manager,
        `UPDATE broadcast_replays SET deleted_at = now()
         WHERE broadcast_id = $1 AND deleted_at IS NULL RETURNING broadcast_id`,
        [broadcastId],
      );
      if (deleted.length === 0) throw new NotFoundError('The replay');
      await this.changed(manager, broadcastId);
      afterCommit(manager, () => this.removeFiles(broadcastId));
    });
    return broadcast;
  }

  /**
   * Deletes the replays older than REPLAY_RETENTION_DAYS, a batch per transaction (rows another
   * process is sweeping are skipped). Returns how many went.
   */
  async sweep(): Promise<number> {
    const days = this.config.media.replayRetentionDays;
    if (days === 0) return 0;
    let total = 0;
    for (;;) {
      const ids = await runInTransaction(this.db, async (manager) => {
        const rows = await returningRows<{ broadcast_id: string }>(
          manager,
          `UPDATE broadcast_replays r SET deleted_at = now()
           WHERE r.broadcast_id IN (
             SELECT broadcast_id FROM broadcast_replays
             WHERE deleted_at IS NULL AND available_at < now() - make_interval(days => $1)
             ORDER BY available_at LIMIT $2 FOR UPDATE SKIP LOCKED)
           RETURNING r.broadcast_id`,
          [days, SWEEP_BATCH],
        );
        for (const { broadcast_id: id } of rows) await this.changed(manager, id);
        return rows.map((row) => row.broadcast_id);
      });
      await Promise.all(ids.map((id) => this.removeFiles(id)));
      total += ids.length;
      if (ids.length < SWEEP_BATCH) return total;
    }
  }

  /**
   * Counts the viewer once per replay (joinBroadcast on an ENDED broadcast); the broadcaster's
   * own plays do not count. NOT_FOUND when there is no replay to watch.
   */
  async watch(viewer: Viewer, broadcast: BroadcastEntity): Promise<void> {
    // Read here rather than through the request's loader, which would keep the count from before.
    const [replay] = await this.db.query<unknown[]>(
      'SELECT 1 FROM broadcast_replays WHERE broadcast_id = $1 AND deleted_at IS NULL',
      [broadcast.id],
    );
    if (broadcast.status !== BroadcastStatus.ENDED || !replay) {
      throw new NotFoundError('The replay');
    }
    if (viewer.id === broadcast.broadcasterId) return;
    await this.db.query(
      `WITH seen AS (
         INSERT INTO broadcast_replay_views (broadcast_id, user_id) VALUES ($1, $2)
         ON CONFLICT DO NOTHING RETURNING broadcast_id
       )
       UPDATE broadcast_replays r SET view_count = r.view_count + 1
       FROM seen WHERE r.broadcast_id = seen.broadcast_id`,
      [broadcast.id, viewer.id],
    );
  }

  /**
   * Comments and heart bursts with `fromMs <= offsetMs < toMs`, in offset order (comments before
   * hearts at the same offset), at most `first` plus one to tell truncation. Comments
   * of suspended accounts and of accounts that block the viewer are left out, as in `comments`.
   * Undefined unless the replay is available: a live broadcast's chat is not a replay's, and a
   * deleted replay's chat goes with it.
   */
  async events(
    loaders: RequestLoaders,
    broadcast: Pick<BroadcastEntity, 'id' | 'status'>,
    viewerId: string | undefined,
    window: ReplayWindow,
  ): Promise<{ events: ReplayEvent[]; truncated: boolean } | undefined> {
    if (!(await this.available(loaders, broadcast))) return undefined;
    const rows = await this.db.query<
      (CommentRecord & { kind: 'COMMENT' | 'HEARTS'; hearts: number | null; event_id: string })[]
    >(
      `SELECT * FROM (
         SELECT 'COMMENT' AS kind, c.id AS event_id, NULL::int AS hearts, ${COMMENT_COLUMNS}
         FROM broadcast_comments c
         WHERE c.broadcast_id = $1 AND c.offset_ms >= $2 AND c.offset_ms < $3
           AND ${visibleToViewerSql('c.author_id', '$4')}
         UNION ALL
         SELECT 'HEARTS', h.id, h.hearts, NULL, h.broadcast_id, NULL, NULL, h.offset_ms, NULL
         FROM broadcast_heart_bursts h
         WHERE h.broadcast_id = $1 AND h.offset_ms >= $2 AND h.offset_ms < $3
       ) e
       ORDER BY e.offset_ms, e.kind, e.event_id
       LIMIT $5`,
      [broadcast.id, window.fromMs, window.toMs, viewerId ?? null, window.first + 1],
    );
    const events = rows
      .slice(0, window.first)
      .map((row): ReplayEvent =>
        row.kind === 'COMMENT'
          ? { kind: 'COMMENT', offsetMs: row.offset_ms, comment: toCommentEntity(row) }
          : { kind: 'HEARTS', offsetMs: row.offset_ms, hearts: row.hearts! },
      );
    return { events, truncated: rows.length > window.first };
  }

  /**
   * Before an account is deleted (its broadcasts and their replay rows then go by cascade): the
   * files of its replays go once that has committed.
   */
  async forgetAccount(manager: EntityManager, userId: string): Promise<void> {
    const rows = await manager.query<{ broadcast_id: string }[]>(
      `SELECT r.broadcast_id FROM broadcast_replays r
       JOIN broadcasts b ON b.id = r.broadcast_id
       WHERE b.broadcaster_id = $1 AND r.deleted_at IS NULL`,
      [userId],
    );
    afterCommit(manager, () =>
      Promise.all(rows.map((row) => this.removeFiles(row.broadcast_id))).then(() => undefined),
    );
  }

  /** An ENDED broadcast's card changes in place (UPDATED in the timeline log). */
  private async changed(manager: EntityManager, broadcastId: string): Promise<void> {
    const broadcast = await findBroadcast(manager, broadcastId);
    if (broadcast?.status !== BroadcastStatus.ENDED) return;
    await this.broadcastEvents.emit(manager, 'replayChanged', { broadcast });
  }

  /**
   * With MEDIA_REPLAY_DIR, the replay's folder goes too. Without it the media server keeps the
   * files (no address to a deleted replay is signed); a failure is logged, never thrown.
   */
  private async removeFiles(broadcastId: string): Promise<void> {
    const root = this.config.media.replayDir;
    if (!root) return;
    const folder = join(root, playbackName(broadcastId, this.config.media.hookSecret));
    try {
      await rm(folder, { recursive: true, force: true });
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      this.log.error(`Could not remove the files of replay ${broadcastId}: ${failure.message}`);
    }
  }
}
