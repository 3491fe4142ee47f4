import { Injectable } from '@nestjs/common';
import { LogBounds, TimelineUpdatesRepository } from '../timeline-updates.repository';
import { TimelineEntriesRepository } from '../timeline-entries.repository';
import { TimelineLogReader } from './timeline-log-reader';
import { TimelineSink } from './timeline-sinks';

/** What opening a subscription reads first: the log's bounds and whom the viewer pulls from. */
export interface OpenFacts {
  bounds: LogBounds;
  pullAuthors: Set<string>;
}

interface Waiter {
  viewerId: string;
  resolve: (facts: OpenFacts) => void;
  reject: (error: unknown) => void;
}

/**
 * Batches what opening `timelineUpdates` subscriptions costs, so a reconnect storm of thousands
 * costs a few statements rather than thousands: the subscriptions opened in the same tick share
 * one bounds and one pull-authors statement, and all those waiting for their first read share
 * one pull on the reader's chain. Only one such pull waits on the chain at a time, so a live
 * update rung meanwhile is read after at most one batch of opens, not after all of them.
 */
@Injectable()
export class TimelineOpens {
  private waiting: Waiter[] = [];
  private unread = new Set<TimelineSink>();
  private pullQueued = false;

  constructor(
    private readonly log: TimelineUpdatesRepository,
    private readonly entries: TimelineEntriesRepository,
    private readonly reader: TimelineLogReader,
  ) {}

  /** The facts an open of `viewerId` needs, read together with those of the same tick. */
  facts(viewerId: string): Promise<OpenFacts> {
    return new Promise((resolve, reject) => {
      if (this.waiting.length === 0) setImmediate(() => void this.readFacts());
      this.waiting.push({ viewerId, resolve, reject });
    });
  }

  /**
   * Reads the log for a newly registered sink soon, with the others registered meanwhile: rows
   * written between its bounds and its registration reach it there.
   */
  readSoon(sink: TimelineSink): void {
    this.unread.add(sink);
    if (this.pullQueued) return;
    this.pullQueued = true;
    this.reader.enqueue(() => {
      const sinks = [...this.unread];
      this.unread.clear();
      this.pullQueued = false;
      return this.reader.pull(sinks);
    });
  }

  private async readFacts(): Promise<void> {
    const batch = this.waiting;
    this.waiting = [];
    try {
      const [bounds, pulled] = await Promise.all([
        this.log.bounds(),
        this.entries.pullAuthorsOf(batch.map((waiter) => waiter.viewerId)),
      ]);
      for (const { viewerId, resolve } of batch) {
        resolve({ bounds, pullAuthors: new Set(pulled.get(viewerId)) });
      }
    } catch (error) {
      for (const { reject } of batch) reject(error);
    }
  }
}
