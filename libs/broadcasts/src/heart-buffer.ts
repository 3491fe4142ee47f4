import { MAX_COUNTED_HEARTS } from './broadcast-rules';

/** One flush's hearts, as the arrays the flush statement unnests; one entry per viewer and broadcast. */
export interface HeartBatch {
  broadcastIds: string[];
  userIds: string[];
  hearts: number[];
}

/**
 * Hearts received since the last flush, summed per (broadcast, viewer). A viewer's pending sum
 * stops at MAX_COUNTED_HEARTS, since more can never count: memory stays bounded by the number of
 * viewers sending hearts, not by how many they send.
 */
export class HeartBuffer {
  private readonly pending = new Map<string, { broadcastId: string; userId: string; n: number }>();

  add(broadcastId: string, userId: string, hearts: number): void {
    const key = `${broadcastId}:${userId}`;
    const entry = this.pending.get(key);
    if (entry) entry.n = Math.min(entry.n + hearts, MAX_COUNTED_HEARTS);
    else this.pending.set(key, { broadcastId, userId, n: Math.min(hearts, MAX_COUNTED_HEARTS) });
  }

  get size(): number {
    return this.pending.size;
  }

  /**
   * Empties the buffer into a batch sorted by (broadcast, viewer), so concurrent flushes from
   * several processes lock heart rows in the same order.
   */
  drain(): HeartBatch {
    const entries = [...this.pending.values()].sort(
      (a, b) => compareIds(a.broadcastId, b.broadcastId) || compareIds(a.userId, b.userId),
    );
    this.pending.clear();
    return {
      broadcastIds: entries.map((e) => e.broadcastId),
      userIds: entries.map((e) => e.userId),
      hearts: entries.map((e) => e.n),
    };
  }

  /** Puts back a batch whose flush failed, so the hearts go with the next one. */
  restore(batch: HeartBatch): void {
    batch.broadcastIds.forEach((broadcastId, i) =>
      this.add(broadcastId, batch.userIds[i], batch.hearts[i]),
    );
  }
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
