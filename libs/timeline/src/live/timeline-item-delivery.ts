import { Injectable } from '@nestjs/common';
import { RECIPIENT_VALUE, RequestLoaders, SharedEvent, toGlobalId } from '@app/common';
import { TimelineItemKind } from '../entities/timeline-entry.entity';
import { advance, encodePosition, LogPosition } from '../log-position';
import { TimelineUpdateKind } from '../entities/timeline-update.entity';
import { TimelineUpdateKindModel, TimelineUpdateModel } from '../models/timeline-update.model';
import { TimelineSources } from '../timeline-sources';
import { LogEntry } from '../timeline-updates.repository';
import { TimelineDelivery, TimelineSink } from './timeline-sinks';

/** A chunk of a read's deliveries with their items, ready to push. */
export interface ResolvedDeliveries {
  shared: RequestLoaders;
  resolved: {
    sink: TimelineSink;
    row: LogEntry;
    loaders: RequestLoaders;
    item: object | null;
  }[];
}

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
 * to the viewer's subscription. Every recipient's loaders share one set: rows are fetched once
 * for everyone, and the per-viewer facts (blocks, bans, follows, likes, saves) are read for all
 * recipients at once (`batchAmong`), so a burst to thousands of followers costs a handful of
 * statements whatever its recipients' selections ask.
 */
@Injectable()
export class TimelineItemDelivery {
  constructor(private readonly sources: TimelineSources) {}

  /**
   * Resolves each row's item as its viewer may see it. It touches no sink: chunks of one read may
   * be resolved at once, and are pushed one after the other.
   */
  async resolve(deliveries: [TimelineSink, LogEntry][]): Promise<ResolvedDeliveries> {
    const shared = new RequestLoaders(undefined);
    const resolved = await Promise.all(
      deliveries.map(async ([sink, row]) => {
        const loaders = new RequestLoaders(sink.viewerId, shared);
        const item =
          row.kind === TimelineUpdateKind.REMOVED
            ? null
            : ((await this.sources.get(row.itemKind).resolve(loaders, row.itemId, sink.viewerId)) ??
              null);
        return { sink, row, loaders, item };
      }),
    );
    return { shared, resolved };
  }

  /** Pushes resolved updates to their subscribers, in log order. */
  push({ shared, resolved }: ResolvedDeliveries): void {
    // One event per row kind and item: every recipient who may see the item sees the same one,
    // so an operation without per-viewer fields renders it once for all of them.
    const events = new Map<string, SharedEvent>();
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
      let event = events.get(key);
      if (!event) {
        event = new SharedEvent({
          update: { ...update, cursor: RECIPIENT_VALUE },
          loaders: shared,
        });
        events.set(key, event);
      }
      sink.queue.push({ update, loaders, shared: event, recipientValue: update.cursor });
    }
  }
}
