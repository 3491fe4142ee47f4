import { Injectable } from '@nestjs/common';
import { RECIPIENT_VALUE, RequestLoaders, SharedEvent, toGlobalId } from '@app/common';
import { RelationshipPolicy } from '@app/graph';
import { TimelineItemKind } from '../entities/timeline-entry.entity';
import { advance, encodePosition, LogPosition } from '../log-position';
import { TimelineUpdateKind } from '../entities/timeline-update.entity';
import { TimelineUpdateKindModel, TimelineUpdateModel } from '../models/timeline-update.model';
import { TimelineSources } from '../timeline-sources';
import { LogEntry } from '../timeline-updates.repository';
import { TimelineDelivery, TimelineSink } from './timeline-sinks';

/**
 * What the chunks of one read share: the loaders every recipient's set falls back to, so an item
 * and its author are fetched once for the whole read, and one event per row kind and item, so an
 * operation without per-viewer fields renders it once for all its recipients.
 */
export class DeliveryRound {
  readonly shared = new RequestLoaders(undefined);
  readonly events = new Map<string, SharedEvent>();
}

/** A chunk of a read's deliveries with their items, ready to push. */
export interface ResolvedDelivery {
  sink: TimelineSink;
  row: LogEntry;
  loaders: RequestLoaders;
  item: object | null;
}

/**
 * The updates that bring an item into the feed, which a mute keeps out as the home statement does.
 * The others (ENDED, UPDATED, REMOVED) change a card the reader may have had since before the
 * mute, and a client applies them only to cards it shows.
 */
const ENTERS_FEED: ReadonlySet<TimelineUpdateKind> = new Set([
  TimelineUpdateKind.ADDED,
  TimelineUpdateKind.NOW_LIVE,
]);

/** RESYNC: the client reloads its timeline and goes on from `last`. */
export function resyncUpdate(viewerId: string, last: LogPosition): TimelineDelivery {
  return {
    update: {
      kind: TimelineUpdateKindModel.RESYNC,
      cursor: encodePosition(last),
      item: null,
      itemId: null,
    },
    loaders: new RequestLoaders(viewerId),
  };
}

/**
 * Turns log rows into updates: resolves each row's item as its viewer may see it, and pushes it
 * to the viewer's subscription. Every recipient's loaders fall back to the round's shared set:
 * rows are fetched once for everyone, and the per-viewer facts (blocks, bans, follows, likes,
 * saves) are read for all the recipients of a chunk at once (`batchAmong`), so a burst to
 * thousands of followers costs a handful of statements whatever its recipients' selections ask.
 */
@Injectable()
export class TimelineItemDelivery {
  constructor(
    private readonly sources: TimelineSources,
    private readonly policy: RelationshipPolicy,
  ) {}

  /**
   * Resolves each row's item as its viewer may see it in their home timeline: an item of an
   * author the viewer mutes does not enter it. It touches no sink: chunks of one read may be
   * resolved at once, and are pushed one after the other.
   */
  async resolve(
    round: DeliveryRound,
    deliveries: [TimelineSink, LogEntry][],
  ): Promise<ResolvedDelivery[]> {
    // Only the rows that would bring an item in need the mutes: an ENDED burst asks none.
    const entering = deliveries.filter(([, row]) => ENTERS_FEED.has(row.kind));
    const [muted, resolved] = await Promise.all([
      this.policy.mutedAmong(
        entering.map(([, row]) => row.authorId),
        entering.map(([sink]) => sink.viewerId),
      ),
      Promise.all(
        deliveries.map(async ([sink, row]) => {
          const loaders = new RequestLoaders(sink.viewerId, round.shared);
          const item =
            row.kind === TimelineUpdateKind.REMOVED
              ? null
              : ((await this.sources
                  .get(row.itemKind)
                  .resolve(loaders, row.itemId, sink.viewerId)) ?? null);
          return { sink, row, loaders, item };
        }),
      ),
    ]);
    for (const delivery of resolved) {
      const { row, sink } = delivery;
      if (ENTERS_FEED.has(row.kind) && muted.isMuted(row.authorId, sink.viewerId)) {
        delivery.item = null;
      }
    }
    return resolved;
  }

  /** Pushes resolved updates to their subscribers, in log order. */
  push(round: DeliveryRound, resolved: ResolvedDelivery[]): void {
    for (const { sink, row, loaders, item } of resolved) {
      sink.last = advance(sink.last, row);
      if (sink.closed || (item === null && row.kind !== TimelineUpdateKind.REMOVED)) continue;
      const update: TimelineUpdateModel = {
        // The log's kinds are the API's, but RESYNC, which only the server sends.
        kind: row.kind as string as TimelineUpdateKindModel,
        cursor: encodePosition(sink.last),
        item,
        itemId: toGlobalId(
          row.itemKind === TimelineItemKind.POST ? 'Post' : 'Broadcast',
          row.itemId,
        ),
      };
      const key = `${row.kind}:${row.itemKind}:${row.itemId}`;
      let event = round.events.get(key);
      if (!event) {
        event = new SharedEvent({
          update: { ...update, cursor: RECIPIENT_VALUE },
          loaders: round.shared,
        });
        round.events.set(key, event);
      }
      sink.queue.push({ update, loaders, shared: event, recipientValue: update.cursor });
    }
  }
}
