const EMPTY: ReadonlySet<never> = new Set();

/**
 * Values grouped by key, each group a set; a key exists while it has a value. The index of live
 * subscribers, sockets and bus handlers by whom they are for.
 */
export class SetMultimap<K, V> {
  private readonly groups = new Map<K, Set<V>>();

  /** Adds `value` under `key`; true when it is the key's first value. */
  add(key: K, value: V): boolean {
    const group = this.groups.get(key);
    if (group) {
      group.add(value);
      return false;
    }
    this.groups.set(key, new Set([value]));
    return true;
  }

  /** Removes `value` from `key`; true when that was the key's last value. */
  delete(key: K, value: V): boolean {
    const group = this.groups.get(key);
    if (!group?.delete(value) || group.size > 0) return false;
    this.groups.delete(key);
    return true;
  }

  get(key: K): ReadonlySet<V> {
    return this.groups.get(key) ?? EMPTY;
  }

  has(key: K): boolean {
    return this.groups.has(key);
  }

  keys(): IterableIterator<K> {
    return this.groups.keys();
  }

  /** Every value, once per key it is under. */
  *values(): IterableIterator<V> {
    for (const group of this.groups.values()) yield* group;
  }

  /** How many keys have a value. */
  get size(): number {
    return this.groups.size;
  }
}
