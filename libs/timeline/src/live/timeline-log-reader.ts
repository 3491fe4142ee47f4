import { Injectable, Logger } from '@nestjs/common';
import { LogEntry, TimelineUpdatesRepository } from '../timeline-updates.repository';
import { TimelineItemDelivery } from './timeline-item-delivery';
import { TimelineSink, TimelineSinks } from './timeline-sinks';

const PAGE = 500;

/**
 * Reads the update log for subscribers, one read at a time so a sink's watermark only moves
 * forward. Replay and live delivery are the same read: every row after the subscriber's
 * watermark, in id order. Because ids are visible in commit order, reading `id > watermark`
 * never skips a row and never repeats one.
 */
@Injectable()
export class TimelineLogReader {
  private readonly logger = new Logger(TimelineLogReader.name);
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly log: TimelineUpdatesRepository,
    private readonly sinks: TimelineSinks,
    private readonly delivery: TimelineItemDelivery,
  ) {}

  /** Runs `work` after every read queued before it; a failure is logged, the queue goes on. */
  enqueue(work: () => Promise<void>): void {
    this.chain = this.chain
      .then(work)
      .catch((error: Error) => this.logger.error(`Timeline delivery failed: ${error.stack}`));
  }

  /** Reads every row after the smallest watermark of `sinks` and hands each sink what is new to it. */
  async pull(sinks: TimelineSink[]): Promise<void> {
    const open = sinks.filter((sink) => !sink.closed);
    if (open.length === 0) return;
    const members = new Set(open);
    const owners = [...new Set(open.map((sink) => sink.viewerId))];
    const authors = [...new Set(open.flatMap((sink) => [...sink.pullAuthors]))];
    let from = open.reduce((min, sink) => (sink.last < min ? sink.last : min), open[0].last);
    for (;;) {
      const rows = await this.log.readAfter(from.toString(), owners, authors, PAGE);
      if (rows.length === 0) return;
      const deliveries: [TimelineSink, LogEntry][] = [];
      for (const row of rows) {
        for (const sink of this.sinks.targetsOf(row.ownerId, row.authorId)) {
          if (members.has(sink) && row.id > sink.last) deliveries.push([sink, row]);
        }
      }
      // In chunks, so the first subscribers hear while later ones are being resolved. Deliveries
      // are in log order, so each subscriber's stay in order across chunks.
      for (let i = 0; i < deliveries.length; i += PAGE) {
        await this.delivery.deliver(deliveries.slice(i, i + PAGE));
      }
      from = rows[rows.length - 1].id;
      if (rows.length < PAGE) return;
    }
  }
}
