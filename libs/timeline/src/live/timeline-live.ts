import { Injectable } from '@nestjs/common';
import { AsyncQueue } from '@app/realtime';
import { comparePlaces, decodePosition, LogPosition, LogSnapshot } from '../log-position';
import { resyncUpdate } from './timeline-item-delivery';
import { TimelineLogReader } from './timeline-log-reader';
import { TimelineOpens } from './timeline-opens';
import { TimelineDelivery, TimelineSink, TimelineSinks } from './timeline-sinks';

/**
 * Opens `timelineUpdates` subscriptions on the update log. The bus only says whose logs grew
 * (TimelineDoorbellListener); the reader delivers every row after a subscriber's position, so a
 * reconnect with the last cursor resumes exactly where it stopped, across restarts.
 */
@Injectable()
export class TimelineLive {
  constructor(
    private readonly sinks: TimelineSinks,
    private readonly opens: TimelineOpens,
    private readonly reader: TimelineLogReader,
  ) {}

  /**
   * Opens a subscription: replay from `after`, then live. It starts with RESYNC, and goes on live
   * from the log's head, when `after` cannot be resumed: older than the kept log, beyond its head
   * (a cursor from before a restore, whose transaction ids will be handed out again), a plain row
   * id (the form cursors had before positions carried transaction ids), or with more rows pending
   * than one open may replay.
   */
  async open(
    viewerId: string,
    after: string | null | undefined,
  ): Promise<AsyncIterableIterator<TimelineDelivery>> {
    const from = after ? decodePosition(after) : undefined;
    const {
      pullAuthors,
      bounds: { head, purgedThrough },
    } = await this.opens.factsOf(viewerId);
    // The head never falls below the horizon, so a RESYNC cursor is always one a resume accepts.
    const resync =
      from === null ||
      (from !== undefined &&
        (comparePlaces(from, purgedThrough) < 0 ||
          isBeyond(from, head.snapshot) ||
          (await this.opens.backlogExceedsReplay(viewerId, pullAuthors, from))));
    const start = from === undefined || from === null || resync ? head : from;
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
    this.reader.pullSoon(sink);
    return sink.queue;
  }
}

/** Whether the position names transactions the head has not seen started: it is from elsewhere. */
function isBeyond(position: LogPosition, now: LogSnapshot): boolean {
  return (
    position.xid > now.xmax || (position.snapshot !== null && position.snapshot.xmax > now.xmax)
  );
}
