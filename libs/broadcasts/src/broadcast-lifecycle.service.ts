import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import {
  afterCommit,
  ConflictError,
  NotFoundError,
  RateLimits,
  RequestLoaders,
  runInTransaction,
  Viewer,
} from '@app/common';
import { BroadcastPublisher } from './broadcast-publisher';
import { isScheduledLater, parseTitle } from './broadcast-rules';
import { BroadcastEventKind } from './broadcast-topics';
import { BroadcastViewersRepository } from './broadcast-viewers.repository';
import { BroadcastEvents } from './broadcasts.events';
import { BroadcastsRepository } from './broadcasts.repository';
import { BroadcastsService } from './broadcasts.service';
import {
  BroadcastEntity,
  BroadcastStatus,
  BroadcastVisibility,
  ChatMode,
} from './entities/broadcast.entity';

export interface NewBroadcast {
  title: string;
  visibility?: BroadcastVisibility | null;
  chatMode?: ChatMode | null;
  scheduledFor?: Date | null;
}

/** A broadcaster who went live this recently does not notify their followers again. */
const RENOTIFY_AFTER_MINUTES = 10;

/**
 * The state machine of a broadcast: SCHEDULED -> LIVE -> ENDED, or SCHEDULED -> CANCELED, and its
 * chat mode while it is not over. Each change locks the row, emits its in-transaction event and,
 * once committed, publishes to the broadcast's watchers.
 */
@Injectable()
export class BroadcastLifecycleService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repository: BroadcastsRepository,
    private readonly viewers: BroadcastViewersRepository,
    private readonly broadcasts: BroadcastsService,
    private readonly events: BroadcastEvents,
    private readonly publisher: BroadcastPublisher,
    private readonly limits: RateLimits,
  ) {}

  /** LIVE now, or SCHEDULED when `scheduledFor` is in the future. One LIVE broadcast per user. */
  async start(viewer: Viewer, input: NewBroadcast): Promise<BroadcastEntity> {
    const title = parseTitle(input.title);
    const scheduled = isScheduledLater(input.scheduledFor, new Date());
    await this.limits.consume(
      'startBroadcast',
      viewer.id,
      'You are starting broadcasts too fast. Wait a while and try again.',
    );
    return runInTransaction(this.db, async (manager) => {
      const broadcast = await this.repository.insert(
        {
          broadcasterId: viewer.id,
          title,
          visibility: input.visibility ?? BroadcastVisibility.PUBLIC,
          chatMode: input.chatMode ?? ChatMode.EVERYONE,
          scheduledFor: scheduled ? input.scheduledFor! : null,
          streamKey: randomBytes(24).toString('base64url'),
        },
        manager,
      );
      if (scheduled) await this.events.emit(manager, 'scheduled', { broadcast });
      else await this.wentLive(manager, broadcast, null);
      return broadcast;
    });
  }

  /**
   * For the media server's publish hook: a SCHEDULED broadcast goes LIVE, a LIVE one stays LIVE
   * (an encoder reconnecting). Unknown keys and finished broadcasts are NOT_FOUND.
   */
  async startByStreamKey(streamKey: string): Promise<BroadcastEntity> {
    return runInTransaction(this.db, async (manager) => {
      const current = await this.repository.lockByStreamKey(streamKey, manager);
      if (current?.status === BroadcastStatus.LIVE) return current;
      if (current?.status !== BroadcastStatus.SCHEDULED) throw new NotFoundError('The broadcast');
      const broadcast = await this.repository.markLive(current.id, manager);
      await this.wentLive(manager, broadcast, current.createdAt);
      return broadcast;
    });
  }

  /**
   * For the media server's publish-done hook: a LIVE broadcast ends; an ENDED one is returned as
   * it is. Unknown keys are NOT_FOUND; a broadcast that never went live is a CONFLICT.
   */
  async endByStreamKey(streamKey: string): Promise<BroadcastEntity> {
    return runInTransaction(this.db, async (manager) => {
      const current = await this.repository.lockByStreamKey(streamKey, manager);
      if (!current) throw new NotFoundError('The broadcast');
      if (current.status === BroadcastStatus.ENDED) return current;
      return this.finishLive(manager, current);
    });
  }

  /** The broadcaster or an admin ends a LIVE broadcast. */
  async end(viewer: Viewer, id: string, loaders: RequestLoaders): Promise<BroadcastEntity> {
    await this.broadcasts.getModerated(loaders, viewer, id, 'end a broadcast');
    return runInTransaction(this.db, async (manager) =>
      this.finishLive(manager, await this.lock(manager, id)),
    );
  }

  /** The broadcaster or an admin calls off a SCHEDULED broadcast. */
  async cancel(viewer: Viewer, id: string, loaders: RequestLoaders): Promise<BroadcastEntity> {
    await this.broadcasts.getModerated(loaders, viewer, id, 'cancel a broadcast');
    return runInTransaction(this.db, async (manager) => {
      const current = await this.lock(manager, id);
      if (current.status !== BroadcastStatus.SCHEDULED) {
        throw new ConflictError(
          `Only a scheduled broadcast can be canceled; this one is ${current.status}.`,
        );
      }
      const broadcast = await this.repository.markCanceled(id, manager);
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
    await this.broadcasts.getModerated(loaders, viewer, id, 'change the chat mode');
    const broadcast = await this.repository.setChatMode(id, mode);
    if (!broadcast) throw new ConflictError('The chat of a finished broadcast cannot change.');
    await this.publisher.publish(BroadcastEventKind.CHAT_MODE, broadcast);
    return broadcast;
  }

  /** SCHEDULED or new -> LIVE: the in-transaction event, then STARTED once committed. */
  private async wentLive(
    manager: EntityManager,
    broadcast: BroadcastEntity,
    scheduledSortAt: Date | null,
  ): Promise<void> {
    const recent = await this.repository.wentLiveWithin(
      broadcast.broadcasterId,
      broadcast.id,
      RENOTIFY_AFTER_MINUTES,
      manager,
    );
    await this.events.emit(manager, 'wentLive', {
      broadcast,
      scheduledSortAt,
      notifyFollowers: !recent,
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
    const broadcast = await this.repository.markEnded(current.id, manager);
    await this.viewers.removeAll(current.id, manager);
    await this.events.emit(manager, 'ended', { broadcast });
    afterCommit(manager, () => this.publisher.publish(BroadcastEventKind.ENDED, broadcast));
    return broadcast;
  }

  private async lock(manager: EntityManager, id: string): Promise<BroadcastEntity> {
    const broadcast = await this.repository.lock(id, manager);
    if (!broadcast) throw new NotFoundError('The broadcast');
    return broadcast;
  }
}
