import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { advance, earliest, isAhead } from '../log-position';
import { LogEntry, TimelineUpdatesRepository } from '../timeline-updates.repository';
import { DeliveryRound, ResolvedDelivery, TimelineItemDelivery } from './timeline-item-delivery';
import { TimelineSink, TimelineSinks } from './timeline-sinks';

/** Rows per read: a burst to thousands of subscribers is one read, its owners sent once. */
const READ = 20_000;
/** Rows per delivery, so the first subscribers hear while later ones are being resolved. */
const CHUNK = 500;
/**
 * Chunks being resolved at once: while one waits on PostgreSQL the next is resolving, instead of
 * each chunk's statements waiting for the one before.
 */
const CHUNKS_IN_FLIGHT = 4;
/** How soon to look again for rows that were committed but not final yet, doubling to the cap. */
const FIRST_RETRY_MS = 20;
const MAX_RETRY_MS = 500;

/**
 * Reads the update log for subscribers, one read at a time so a sink's position only moves
 * forward. Replay and live delivery are the same read: every row after the subscriber's position,
 * in (xid, id) order, of transactions below this database's oldest running one. Those rows are
 * final: no writer can add one behind them, so a position never skips a row and never repeats one.
 * A row committed while an older transaction still runs waits above that horizon: the reader looks
 * again for its subscribers until it is final.
 */
@Injectable()
export class TimelineLogReader implements OnModuleDestroy {
  private readonly logger = new Logger(TimelineLogReader.name);
  private chain: Promise<void> = Promise.resolve();
  private readonly waiting = new Set<TimelineSink>();
  private retryTimer?: NodeJS.Timeout;
  private readonly unread = new Set<TimelineSink>();
  private unreadQueued = false;
  private retryMs = FIRST_RETRY_MS;

  constructor(
    private readonly log: TimelineUpdatesRepository,
    private readonly sinks: TimelineSinks,
    private readonly delivery: TimelineItemDelivery,
  ) {}

  onModuleDestroy(): void {
    clearTimeout(this.retryTimer);
  }

  /** Runs `work` after every read queued before it; a failure is logged, the queue goes on. */
  enqueue(work: () => Promise<void>): void {
    this.chain = this.chain
      .then(work)
      .catch((error: Error) => this.logger.error(`Timeline delivery failed: ${error.stack}`));
  }

  /**
   * Pulls for a newly registered sink soon, with the others registered meanwhile: rows written
   * between its bounds and its registration reach it there. Only one such pull waits on the chain
   * at a time, so a live update rung meanwhile is read after at most one batch of opens, not after
   * all of a reconnect storm's.
   */
  pullSoon(sink: TimelineSink): void {
    this.unread.add(sink);
    if (this.unreadQueued) return;
    this.unreadQueued = true;
    this.enqueue(() => {
      const sinks = [...this.unread];
      this.unread.clear();
      this.unreadQueued = false;
      return this.pull(sinks);
    });
  }

  /**
   * Reads the final rows after the earliest position of `sinks` and hands each sink what is new
   * to it; then every one of them has all its rows below the horizon, and stands there.
   */
  async pull(sinks: TimelineSink[]): Promise<void> {
    const open = sinks.filter((sink) => !sink.closed);
    if (open.length === 0) return;
    const members = new Set(open);
    const owners = [...new Set(open.map((sink) => sink.viewerId))];
    const authors = [...new Set(open.flatMap((sink) => [...sink.pullAuthors]))];
    let from = earliest(open.map((sink) => sink.last));
    for (;;) {
      const { rows, horizon, pending } = await this.log.readAfter(from, owners, authors, READ);
      const deliveries: [TimelineSink, LogEntry][] = [];
      for (const row of rows) {
        for (const sink of this.sinks.targetsOf(row.ownerId, row.authorId)) {
          if (members.has(sink) && isAhead(sink.last, row)) deliveries.push([sink, row]);
        }
      }
      await this.deliverInChunks(deliveries);
      if (rows.length === READ) {
        from = rows[rows.length - 1];
        continue;
      }
      // The next read for any of them starts at the horizon, not at rows others already had.
      for (const sink of open) sink.last = advance(sink.last, { xid: horizon, id: 0n });
      if (pending) this.retryLater(open);
      else if (this.waiting.size === 0 && !this.retryTimer) this.retryMs = FIRST_RETRY_MS;
      return;
    }
  }

  /**
   * Resolves the deliveries a few chunks at a time and pushes the chunks in order: deliveries are
   * in log order, so each subscriber's stay in order across chunks.
   */
  private async deliverInChunks(deliveries: [TimelineSink, LogEntry][]): Promise<void> {
    const chunks: [TimelineSink, LogEntry][][] = [];
    for (let i = 0; i < deliveries.length; i += CHUNK) chunks.push(deliveries.slice(i, i + CHUNK));
    const round = new DeliveryRound();
    const resolving: Promise<ResolvedDelivery[]>[] = [];
    const startNext = () => {
      const chunk = chunks[resolving.length];
      if (!chunk) return;
      const resolved = this.delivery.resolve(round, chunk);
      // Awaited in order below; a failure ahead of it must not leave it unhandled.
      resolved.catch(() => undefined);
      resolving.push(resolved);
    };
    for (let i = 0; i < CHUNKS_IN_FLIGHT; i += 1) startNext();
    for (let i = 0; i < chunks.length; i += 1) {
      this.delivery.push(round, await resolving[i]);
      startNext();
    }
  }

  /** Pulls for `sinks` again shortly: rows of theirs were committed above the horizon. */
  private retryLater(sinks: TimelineSink[]): void {
    for (const sink of sinks) this.waiting.add(sink);
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      const due = [...this.waiting];
      this.waiting.clear();
      this.enqueue(() => this.pull(due));
    }, this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }
}
