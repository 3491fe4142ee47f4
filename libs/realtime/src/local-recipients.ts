import { SetMultimap } from '@app/common';

/**
 * The subscribers of this process, by the id of whoever they listen for (a viewer, an author, a
 * device). An event names its recipients; delivering it costs one map lookup per recipient,
 * whatever the number of open sockets: no filter runs for every connection on every event.
 */
export class LocalRecipients<T> {
  private readonly sinks = new SetMultimap<string, (value: T) => void>();

  add(recipientId: string, sink: (value: T) => void): () => void {
    this.sinks.add(recipientId, sink);
    return () => void this.sinks.delete(recipientId, sink);
  }

  has(recipientId: string): boolean {
    return this.sinks.has(recipientId);
  }

  /** Delivers to every local subscriber of the recipient; returns how many got it. */
  deliver(recipientId: string, value: T): number {
    const sinks = this.sinks.get(recipientId);
    for (const sink of sinks) sink(value);
    return sinks.size;
  }

  get size(): number {
    return this.sinks.size;
  }
}
