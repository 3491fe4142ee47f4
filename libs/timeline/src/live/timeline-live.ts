import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AsyncQueue } from '@app/realtime';
import { comparePlaces, decodePosition, LogPosition, LogSnapshot } from '../log-position';
import { TimelineEntriesRepository } from '../timeline-entries.repository';
import { TimelineUpdatesRepository } from '../timeline-updates.repository';
import { resyncUpdate } from './timeline-item-delivery';
import { TimelineLogReader } from './timeline-log-reader';
import { TimelineDelivery, TimelineSink, TimelineSinks } from './timeline-sinks';

/**
 * Opens `timelineUpdates` subscriptions on the update log. The bus only says whose logs grew
 * (TimelineDoorbellListener); the reader delivers every row after a subscriber's position, so a
 * reconnect with the last cursor resumes exactly where it stopped, across restarts.
 */
@Injectable()
export class TimelineLive {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sinks: TimelineSinks,
    private readonly reader: TimelineLogReader,
    private readonly log: TimelineUpdatesRepository,
    private readonly entries: TimelineEntriesRepository,
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
    const pullAuthors = (await this.entries.pullAuthorsOf([viewerId])).get(viewerId) ?? new Set();
    // The head never falls below the horizon, so a RESYNC cursor is always one a resume accepts.
    const { snapshot, head, purgedThrough } = await this.log.bounds();
    const resync =
      from === null ||
      (from !== undefined &&
        (comparePlaces(from, purgedThrough) < 0 ||
          isBeyond(from, snapshot) ||
          (await this.backlogExceedsReplay(viewerId, pullAuthors, from))));
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
    this.reader.enqueue(() => this.reader.pull([sink]));
    return sink.queue;
  }

  /** Whether more rows than one open may replay are pending for the viewer after `from`. */
  private async backlogExceedsReplay(
    viewerId: string,
    pullAuthors: Set<string>,
    from: LogPosition,
  ): Promise<boolean> {
    const cap = this.config.timeline.maxReplayedUpdates;
    const pending = await this.log.countPending(viewerId, [...pullAuthors], from, cap + 1);
    return pending > cap;
  }
}

/** Whether the position names transactions the head has not seen started: it is from elsewhere. */
function isBeyond(position: LogPosition, now: LogSnapshot): boolean {
  return (
    position.xid > now.xmax || (position.snapshot !== null && position.snapshot.xmax > now.xmax)
  );
}
