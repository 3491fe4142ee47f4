import { Injectable } from '@nestjs/common';
import { RequestLoaders, SetMultimap, SharedRecipient } from '@app/common';
import { AsyncQueue } from '@app/realtime';
import { LogPosition } from '../log-position';
import { TimelineUpdateModel } from '../models/timeline-update.model';

/**
 * An update with the loaders its item was resolved with, for the fields resolved next. Delivered
 * from the log, it carries the event its other recipients share, and its cursor as the value that
 * is this recipient's own.
 */
export interface TimelineDelivery extends SharedRecipient {
  update: TimelineUpdateModel;
  loaders: RequestLoaders;
}

/** One open `timelineUpdates` subscription in this process. */
export interface TimelineSink {
  viewerId: string;
  /** Where it stands in the log: its cursor encodes the position of the last row delivered. */
  last: LogPosition;
  /** Accounts above the fan-out limit the viewer follows: their ownerless rows are theirs too. */
  pullAuthors: Set<string>;
  queue: AsyncQueue<TimelineDelivery>;
  closed: boolean;
}

/**
 * The open subscriptions of this process, indexed by owner (their own log rows) and by the large
 * accounts they pull from (those accounts' ownerless rows).
 */
@Injectable()
export class TimelineSinks {
  private readonly byOwner = new SetMultimap<string, TimelineSink>();
  private readonly byAuthor = new SetMultimap<string, TimelineSink>();

  register(sink: TimelineSink): void {
    this.byOwner.add(sink.viewerId, sink);
    for (const author of sink.pullAuthors) this.byAuthor.add(author, sink);
  }

  unregister(sink: TimelineSink): void {
    this.byOwner.delete(sink.viewerId, sink);
    for (const author of sink.pullAuthors) this.byAuthor.delete(author, sink);
  }

  /** Replaces whom the sink pulls from, keeping the index in step. */
  setPullAuthors(sink: TimelineSink, pullAuthors: Set<string>): void {
    this.unregister(sink);
    sink.pullAuthors = pullAuthors;
    if (!sink.closed) this.register(sink);
  }

  /** Adds one account the sink pulls from (it was just found to follow it). */
  addPullAuthor(sink: TimelineSink, author: string): void {
    if (sink.pullAuthors.has(author)) return;
    sink.pullAuthors.add(author);
    this.byAuthor.add(author, sink);
  }

  /** The sinks a log row is for: its owner's, or for an ownerless row its author's followers'. */
  targetsOf(ownerId: string | null, authorId: string): ReadonlySet<TimelineSink> {
    return ownerId ? this.byOwner.get(ownerId) : this.byAuthor.get(authorId);
  }

  ofOwner(ownerId: string): TimelineSink[] {
    return [...this.byOwner.get(ownerId)];
  }

  owners(): string[] {
    return [...this.byOwner.keys()];
  }

  all(): TimelineSink[] {
    return [...this.byOwner.values()];
  }

  isEmpty(): boolean {
    return this.byOwner.size === 0;
  }
}
