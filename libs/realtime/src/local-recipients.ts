/**
 * The subscribers of this process, by the id of whoever they listen for (a viewer, an author, a
 * device). An event names its recipients; delivering it costs one map lookup per recipient,
 * whatever the number of open sockets: no filter runs for every connection on every event.
 */
export class LocalRecipients<T> {
  private readonly sinks = new Map<string, Set<(value: T) => void>>();

  add(recipientId: string, sink: (value: T) => void): () => void {
    let set = this.sinks.get(recipientId);
    if (!set) {
      set = new Set();
      this.sinks.set(recipientId, set);
    }
    set.add(sink);
    return () => {
      const current = this.sinks.get(recipientId);
      if (current?.delete(sink) && current.size === 0) this.sinks.delete(recipientId);
    };
  }

  has(recipientId: string): boolean {
    return this.sinks.has(recipientId);
  }

  /** Delivers to every local subscriber of the recipient; returns how many got it. */
  deliver(recipientId: string, value: T): number {
    const set = this.sinks.get(recipientId);
    if (!set) return 0;
    for (const sink of set) sink(value);
    return set.size;
  }

  get size(): number {
    return this.sinks.size;
  }
}
