import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { FollowsRepository } from '@app/graph';
import { BusMessage, EventBus } from '@app/realtime';
import { TimelineEntriesRepository } from '../timeline-entries.repository';
import { TIMELINE_TOPIC, TimelineDoorbell } from '../timeline-updates';
import { TimelineLogReader } from './timeline-log-reader';
import { TimelineSink, TimelineSinks } from './timeline-sinks';

/**
 * Listens for doorbells on the bus (whose logs grew, whose follow lists changed) and has the
 * reader pull for the local subscribers they concern; after a bus outage, for all of them.
 */
@Injectable()
export class TimelineDoorbellListener implements OnModuleInit, OnModuleDestroy {
  private unsubscribe?: () => void;
  private stopRecovering?: () => void;

  constructor(
    private readonly bus: EventBus,
    private readonly sinks: TimelineSinks,
    private readonly reader: TimelineLogReader,
    private readonly entries: TimelineEntriesRepository,
    private readonly follows: FollowsRepository,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.bus.subscribe(TIMELINE_TOPIC, (message) => this.ring(message));
    this.stopRecovering = this.bus.onRecover(() => this.catchUpAll());
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    this.stopRecovering?.();
  }

  private ring(message: BusMessage): void {
    const doorbell = message as unknown as TimelineDoorbell;
    const batch = new Set<TimelineSink>();
    for (const owner of doorbell.owners) {
      for (const sink of this.sinks.ofOwner(owner)) batch.add(sink);
    }
    const refresh = (doorbell.refresh ?? []).flatMap((owner) => this.sinks.ofOwner(owner));
    if (
      batch.size === 0 &&
      refresh.length === 0 &&
      (doorbell.authors.length === 0 || this.sinks.isEmpty())
    ) {
      return;
    }
    this.reader.enqueue(async () => {
      for (const sink of refresh) {
        const pulled = await this.entries.pullAuthorsOf([sink.viewerId]);
        this.sinks.setPullAuthors(sink, pulled.get(sink.viewerId) ?? new Set());
      }
      for (const sink of await this.followersOf(doorbell.authors)) batch.add(sink);
      for (const sink of refresh) batch.add(sink);
      await this.reader.pull([...batch]);
    });
  }

  /**
   * Doorbells may have been lost (the bus was down): every local subscriber re-reads its log from
   * its position, with the large accounts it follows read again, as a lost refresh would have.
   */
  private catchUpAll(): void {
    this.reader.enqueue(async () => {
      const sinks = this.sinks.all();
      if (sinks.length === 0) return;
      const pulled = await this.entries.pullAuthorsOf(sinks.map((sink) => sink.viewerId));
      for (const sink of sinks) {
        this.sinks.setPullAuthors(sink, pulled.get(sink.viewerId) ?? new Set());
      }
      await this.reader.pull(sinks);
    });
  }

  /**
   * Local subscribers following any of `authors` (accounts above the fan-out limit). Asked of
   * the database, not only the index: an account may have just crossed the limit.
   */
  private async followersOf(authors: string[]): Promise<TimelineSink[]> {
    if (authors.length === 0 || this.sinks.isEmpty()) return [];
    const pairs = await this.follows.findPairs(this.sinks.owners(), authors);
    const sinks: TimelineSink[] = [];
    for (const pair of pairs) {
      for (const sink of this.sinks.ofOwner(pair.followerId)) {
        this.sinks.addPullAuthor(sink, pair.followeeId);
        sinks.push(sink);
      }
    }
    return sinks;
  }
}
