import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import {
  afterCommit,
  NotFoundError,
  RequestLoaders,
  runInTransaction,
  Viewer,
  defineRowLoader,
} from '@app/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { BroadcastsRepository } from '../broadcasts.repository';
import { BroadcastsService } from '../broadcasts.service';
import { BroadcastEvents } from '../broadcasts.events';
import { BroadcastEntity, BroadcastStatus } from '../entities/broadcast.entity';
import { BroadcastReplayEntity } from '../entities/broadcast-replay.entity';
import { playbackName } from '../playback-name';
import { BroadcastReplaysRepository, ReplayEvent } from './broadcast-replays.repository';
import { ReplayWindow } from './replay-rules';

export type { ReplayEvent } from './broadcast-replays.repository';

/** What the media server's replay-ready call led to. */
export type ReplayReadyOutcome = 'stored' | 'gone';

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
  readonly byBroadcast = defineRowLoader<BroadcastReplayEntity>(
    'replaysByBroadcast',
    (ids) => this.repository.findByBroadcasts(ids),
    (row) => row.broadcastId,
  );

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: BroadcastReplaysRepository,
    private readonly broadcastRows: BroadcastsRepository,
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
      const locked = await this.broadcastRows.lock(broadcastId, manager);
      if (locked?.status !== BroadcastStatus.LIVE && locked?.status !== BroadcastStatus.ENDED) {
        return 'gone';
      }
      if (!(await this.repository.store(broadcastId, durationMs, manager))) return 'gone';
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
      if (!(await this.repository.markDeleted(broadcastId, manager))) {
        throw new NotFoundError('The replay');
      }
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
        const swept = await this.repository.markExpiredDeleted(days, SWEEP_BATCH, manager);
        for (const id of swept) await this.changed(manager, id);
        return swept;
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
    const replay = await this.repository.exists(broadcast.id);
    if (broadcast.status !== BroadcastStatus.ENDED || !replay) {
      throw new NotFoundError('The replay');
    }
    if (viewer.id === broadcast.broadcasterId) return;
    await this.repository.countView(broadcast.id, viewer.id);
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
    const rows = await this.repository.events(broadcast.id, viewerId, window);
    const events = rows.slice(0, window.first);
    return { events, truncated: rows.length > window.first };
  }

  /**
   * Before an account is deleted (its broadcasts and their replay rows then go by cascade): the
   * files of its replays go once that has committed.
   */
  async forgetAccount(manager: EntityManager, userId: string): Promise<void> {
    const ids = await this.repository.broadcastsWithReplayOf(userId, manager);
    afterCommit(manager, () =>
      Promise.all(ids.map((id) => this.removeFiles(id))).then(() => undefined),
    );
  }

  /** An ENDED broadcast's card changes in place (UPDATED in the timeline log). */
  private async changed(manager: EntityManager, broadcastId: string): Promise<void> {
    const broadcast = await this.broadcastRows.findById(broadcastId, manager);
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
