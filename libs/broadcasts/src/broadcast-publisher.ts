import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { EventBus } from '@app/realtime';
import { BroadcastsRepository } from './broadcasts.repository';
import { publicBroadcast } from './public-broadcast';
import { BroadcastBusMessage, BroadcastEventKind, broadcastTopic } from './broadcast-topics';
import { BroadcastEntity, BroadcastStatus } from './entities/broadcast.entity';
import { BroadcastCommentEntity } from './entities/broadcast-comment.entity';

const VIEWERS_INTERVAL_MS = 1000;
const MAX_REMEMBERED = 10_000;

/**
 * Puts broadcast events on the bus, for every process's subscribers. Callers publish after their
 * transaction commits. VIEWERS events are throttled to one a second per broadcast across
 * processes, with a trailing publish so the last change of a burst still goes out.
 */
@Injectable()
export class BroadcastPublisher implements OnModuleDestroy {
  private readonly log = new Logger('BroadcastPublisher');
  private readonly trailing = new Map<string, NodeJS.Timeout>();
  /** The viewer count this process last published, per broadcast, to skip unchanged ones. */
  private readonly lastViewers = new Map<string, number>();

  constructor(
    private readonly bus: EventBus,
    private readonly repository: BroadcastsRepository,
  ) {}

  async publish(
    kind: BroadcastEventKind,
    broadcast: BroadcastEntity,
    extra: { heartsDelta?: number; comment?: BroadcastCommentEntity } = {},
  ): Promise<void> {
    if (kind === BroadcastEventKind.ENDED) this.forgetViewers(broadcast.id);
    await this.send(broadcast.id, {
      type: 'event',
      kind,
      broadcast: publicBroadcast(broadcast),
      heartsDelta: extra.heartsDelta ?? 0,
      comment: extra.comment ?? null,
      at: new Date(),
    });
  }

  async viewerRemoved(broadcastId: string, userId: string): Promise<void> {
    await this.send(broadcastId, { type: 'removed', userId });
  }

  async viewerLeft(broadcastId: string, userId: string): Promise<void> {
    await this.send(broadcastId, { type: 'left', userId });
  }

  /** After a statement changed the viewer count of `broadcast` (the row as it returned it). */
  async viewersChanged(broadcast: BroadcastEntity): Promise<void> {
    if (broadcast.status !== BroadcastStatus.LIVE || this.trailing.has(broadcast.id)) return;
    if (broadcast.viewerCount === this.lastViewers.get(broadcast.id)) return;
    if (await this.bus.tryAcquire(`viewers:${broadcast.id}`, VIEWERS_INTERVAL_MS)) {
      await this.sendViewers(broadcast);
    } else {
      this.scheduleTrailing(broadcast.id);
    }
  }

  onModuleDestroy(): void {
    for (const timer of this.trailing.values()) clearTimeout(timer);
    this.trailing.clear();
  }

  private scheduleTrailing(broadcastId: string): void {
    if (this.trailing.has(broadcastId)) return;
    const timer = setTimeout(() => {
      this.trailing.delete(broadcastId);
      this.publishTrailing(broadcastId).catch((error: Error) =>
        this.log.error(`VIEWERS of broadcast ${broadcastId}: ${error.message}`, error.stack),
      );
    }, VIEWERS_INTERVAL_MS);
    timer.unref();
    this.trailing.set(broadcastId, timer);
  }

  /** The count may have moved again since the throttled change: publish what it is now. */
  private async publishTrailing(broadcastId: string): Promise<void> {
    const broadcast = await this.repository.findById(broadcastId);
    if (!broadcast || broadcast.status !== BroadcastStatus.LIVE) {
      this.forgetViewers(broadcastId);
      return;
    }
    if (broadcast.viewerCount === this.lastViewers.get(broadcastId)) return;
    if (await this.bus.tryAcquire(`viewers:${broadcastId}`, VIEWERS_INTERVAL_MS)) {
      await this.sendViewers(broadcast);
    } else {
      this.scheduleTrailing(broadcastId);
    }
  }

  private async sendViewers(broadcast: BroadcastEntity): Promise<void> {
    // Broadcasts ended by another process are never forgotten here: bound the memo instead.
    if (this.lastViewers.size >= MAX_REMEMBERED) this.lastViewers.clear();
    this.lastViewers.set(broadcast.id, broadcast.viewerCount);
    await this.publish(BroadcastEventKind.VIEWERS, broadcast);
  }

  private forgetViewers(broadcastId: string): void {
    this.lastViewers.delete(broadcastId);
    clearTimeout(this.trailing.get(broadcastId));
    this.trailing.delete(broadcastId);
  }

  private send(broadcastId: string, message: BroadcastBusMessage): Promise<void> {
    // The bus carries plain JSON: dates travel as ISO strings and are parsed back on receipt.
    return this.bus.publish(broadcastTopic(broadcastId), { ...message });
  }
}
