import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { RateLimits, RequestLoaders, Viewer } from '@app/common';
import { EventBus } from '@app/realtime';
import { BroadcastPublisher } from './broadcast-publisher';
import { BroadcastHeartsRepository, CountedHearts } from './broadcast-hearts.repository';
import { MAX_COUNTED_HEARTS, parseHeartCount, requireLive } from './broadcast-rules';
import { BroadcastEventKind } from './broadcast-topics';
import { BroadcastsRepository } from './broadcasts.repository';
import { BroadcastsService } from './broadcasts.service';
import { BroadcastEntity } from './entities/broadcast.entity';
import { HeartBuffer } from './heart-buffer';

const FLUSH_INTERVAL_MS = 250;
/** At most one HEARTS event per broadcast per this interval, across processes (4 a second). */
const HEARTS_EVENT_INTERVAL_MS = 250;

/**
 * Hearts arrive many per second per viewer. They are summed in memory and written every 250 ms
 * in one statement for every broadcast and viewer (BroadcastHeartsRepository.count), which caps
 * each viewer at 500 counted hearts per broadcast. HEARTS events then carry the hearts counted since the previous event.
 */
@Injectable()
export class HeartsService implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger('HeartsService');
  private readonly buffer = new HeartBuffer();
  /** Hearts counted but not yet announced, per broadcast (the lock of its event was taken). */
  private readonly unannounced = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly hearts: BroadcastHeartsRepository,
    private readonly repository: BroadcastsRepository,
    private readonly broadcasts: BroadcastsService,
    private readonly publisher: BroadcastPublisher,
    private readonly bus: EventBus,
    private readonly limits: RateLimits,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.tick(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  /** Writes what is pending before the database goes away. */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    await this.flush().catch((error: Error) => this.log.error(`Last flush: ${error.message}`));
  }

  async send(
    viewer: Viewer,
    broadcastId: string,
    count: number | null | undefined,
    loaders: RequestLoaders,
  ): Promise<void> {
    const hearts = parseHeartCount(count);
    await this.limits.consume(
      'hearts',
      viewer.id,
      'You are sending hearts too fast. Send several in one call (count) instead.',
    );
    requireLive(await this.broadcasts.getVisible(loaders, broadcastId, viewer.id));
    this.buffer.add(broadcastId, viewer.id, hearts);
  }

  /** Resolves once the hearts sent so far are written and announced. */
  async settled(): Promise<void> {
    // A flush under way may have drained them; those it left wait for the next one.
    await this.running;
    await this.tick();
  }

  /** One flush and its announcements at a time; a slow one makes the next tick wait for it. */
  private tick(): Promise<void> {
    if (this.running) return this.running;
    if (this.buffer.size === 0 && this.unannounced.size === 0) return Promise.resolve();
    this.running = (async () => {
      try {
        const fresh = await this.flush();
        await this.announce(fresh);
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        this.log.error(`Hearts: ${failure.message}`, failure.stack);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** Writes the buffered hearts; the broadcasts whose heart_count moved, as they are now. */
  private async flush(): Promise<Map<string, BroadcastEntity>> {
    const fresh = new Map<string, BroadcastEntity>();
    if (this.buffer.size === 0) return fresh;
    const batch = this.buffer.drain();
    let counted: CountedHearts[];
    try {
      counted = await this.hearts.count(batch, MAX_COUNTED_HEARTS);
    } catch (error) {
      // Nothing was written: the hearts wait for the next flush.
      this.buffer.restore(batch);
      throw error;
    }
    for (const { broadcast, added } of counted) {
      this.unannounced.set(broadcast.id, (this.unannounced.get(broadcast.id) ?? 0) + added);
      fresh.set(broadcast.id, broadcast);
    }
    return fresh;
  }

  /**
   * Publishes a HEARTS event for each broadcast with unannounced hearts whose event slot is free;
   * the others keep their delta for a later tick.
   */
  private async announce(fresh: Map<string, BroadcastEntity>): Promise<void> {
    for (const [id, delta] of [...this.unannounced]) {
      if (!(await this.bus.tryAcquire(`hearts:${id}`, HEARTS_EVENT_INTERVAL_MS))) continue;
      this.unannounced.delete(id);
      // A delta held back from an earlier flush is announced with the count as it is now.
      const broadcast = fresh.get(id) ?? (await this.repository.findById(id));
      if (broadcast) {
        await this.publisher.publish(BroadcastEventKind.HEARTS, broadcast, { heartsDelta: delta });
      }
    }
  }
}
