import { Inject, Injectable } from '@nestjs/common';
import { afterTurnBatcher } from '@app/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { LogPosition } from '../log-position';
import { TimelineEntriesRepository } from '../timeline-entries.repository';
import {
  LogBounds,
  PendingRequest,
  TimelineUpdatesRepository,
} from '../timeline-updates.repository';

/** What opening a subscription reads first: the log's bounds and whom the viewer pulls from. */
export interface OpenFacts {
  bounds: LogBounds;
  pullAuthors: Set<string>;
}

/**
 * Batches what opening `timelineUpdates` subscriptions costs, so a reconnect storm of thousands
 * costs a few statements rather than thousands: the subscriptions opened in the same turn share
 * one bounds and one pull-authors statement, and the resumed ones one pending-count statement.
 * Their first reads are batched by the reader (`TimelineLogReader.pullSoon`).
 */
@Injectable()
export class TimelineOpens {
  private readonly facts = afterTurnBatcher<string, OpenFacts>(async (viewerIds) => {
    const [bounds, pulled] = await Promise.all([
      this.log.bounds(),
      this.entries.pullAuthorsOf(viewerIds),
    ]);
    return viewerIds.map((viewerId) => ({ bounds, pullAuthors: new Set(pulled.get(viewerId)) }));
  });

  private readonly pending = afterTurnBatcher<PendingRequest, number>((requests) =>
    // One more than may be replayed: the caller tells "too many" from "exactly the most".
    this.log.countPending(requests, this.config.timeline.maxReplayedUpdates + 1),
  );

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly log: TimelineUpdatesRepository,
    private readonly entries: TimelineEntriesRepository,
  ) {}

  /** The facts an open of `viewerId` needs, read together with those of the same turn. */
  factsOf(viewerId: string): Promise<OpenFacts> {
    return this.facts.load(viewerId);
  }

  /** Whether more rows than one open may replay are pending for the viewer after `after`. */
  async backlogExceedsReplay(
    viewerId: string,
    pullAuthors: Set<string>,
    after: LogPosition,
  ): Promise<boolean> {
    const pending = await this.pending.load({ viewerId, pullAuthors: [...pullAuthors], after });
    return pending > this.config.timeline.maxReplayedUpdates;
  }
}
