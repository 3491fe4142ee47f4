import { Injectable } from '@nestjs/common';
import { decodeCursor } from '@app/common';
import { AsyncQueue } from '@app/realtime';
import { resyncUpdate } from './timeline-item-delivery';
import { TimelineOpens } from './timeline-opens';
import { TimelineDelivery, TimelineSink, TimelineSinks } from './timeline-sinks';

/**
 * Opens `timelineUpdates` subscriptions on the update log. The bus only says whose logs grew
 * (TimelineDoorbellListener); the reader delivers every row after a subscriber's watermark, so a
 * reconnect with the last cursor resumes exactly where it stopped, across restarts.
 */
@Injectable()
export class TimelineLive {
  constructor(
    private readonly sinks: TimelineSinks,
    private readonly opens: TimelineOpens,
  ) {}

  /**
   * Opens a subscription: replay from `after`, then live. It starts with RESYNC, and goes on live
   * from the log's head, when `after` cannot be resumed: older than the kept log, beyond its head
   * (a cursor from before a restore, whose ids will be handed out again), or with more rows
   * pending than one open may replay.
   */
  async open(
    viewerId: string,
    after: string | null | undefined,
  ): Promise<AsyncIterableIterator<TimelineDelivery>> {
    const afterId = after ? BigInt(decodeCursor(after, ['int'])[0]) : undefined;
    const {
      pullAuthors,
      bounds: { head, purgedThrough },
    } = await this.opens.factsOf(viewerId);
    // The head never falls below the horizon, so a RESYNC cursor is always one a resume accepts.
    const resync =
      afterId !== undefined &&
      (afterId < purgedThrough ||
        afterId > head ||
        (await this.opens.backlogExceedsReplay(viewerId, pullAuthors, afterId)));
    const start = afterId === undefined || resync ? head : afterId;
    const sink: TimelineSink = {
      viewerId,
      last: start,
      pullAuthors,
      closed: false,
      queue: new AsyncQueue<TimelineDelivery>(
        () => {
          sink.closed = true;
          this.sinks.unregister(sink);
        },
        10_000,
        // A reader this far behind reloads instead of holding the server's memory.
        () => resyncUpdate(viewerId, sink.last),
      ),
    };
    if (resync) sink.queue.push(resyncUpdate(viewerId, start));
    this.sinks.register(sink);
    this.opens.readSoon(sink);
    return sink.queue;
  }
}
