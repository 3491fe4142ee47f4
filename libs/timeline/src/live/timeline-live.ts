import { Inject, Injectable } from '@nestjs/common';
import { decodeCursor } from '@app/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AsyncQueue } from '@app/realtime';
import { TimelineUpdatesRepository } from '../timeline-updates.repository';
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
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sinks: TimelineSinks,
    private readonly opens: TimelineOpens,
    private readonly log: TimelineUpdatesRepository,
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
    } = await this.opens.facts(viewerId);
    // The head never falls below the horizon, so a RESYNC cursor is always one a resume accepts.
    const resync =
      afterId !== undefined &&
      (afterId < purgedThrough ||
        afterId > head ||
        (await this.backlogExceedsReplay(viewerId, pullAuthors, afterId)));
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

  /** Whether more rows than one open may replay are pending for the viewer after `afterId`. */
  private async backlogExceedsReplay(
    viewerId: string,
    pullAuthors: Set<string>,
    afterId: bigint,
  ): Promise<boolean> {
    const cap = this.config.timeline.maxReplayedUpdates;
    const pending = await this.log.countPending(
      viewerId,
      [...pullAuthors],
      afterId.toString(),
      cap + 1,
    );
    return pending > cap;
  }
}
