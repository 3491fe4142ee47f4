import DataLoader from 'dataloader';

/**
 * A batch function owned by a service, e.g. "users by id" or "does the viewer follow these
 * users". Defined once; each request gets its own DataLoader (and cache) for it.
 */
export interface LoaderDefinition<K, V> {
  readonly name: string;
  readonly batch: (keys: readonly K[], viewerId: string | undefined) => Promise<V[]>;
  /** The values do not depend on the viewer, so one event's subscribers may share a batch. */
  readonly viewerIndependent: boolean;
}

export function defineLoader<K, V>(
  name: string,
  batch: (keys: readonly K[], viewerId: string | undefined) => Promise<V[]>,
  options: { viewerIndependent?: boolean } = {},
): LoaderDefinition<K, V> {
  return { name, batch, viewerIndependent: options.viewerIndependent ?? false };
}

/** Per-request DataLoaders: one SQL statement per definition per tick, however many fields ask. */
export class RequestLoaders {
  private readonly loaders = new Map<
    LoaderDefinition<unknown, unknown>,
    DataLoader<unknown, unknown>
  >();

  /**
   * @param shared where viewer-independent loads go when one event is delivered to many
   *   subscribers: their rows are then fetched once for all of them.
   */
  constructor(
    private readonly viewerId: string | undefined,
    private readonly shared?: RequestLoaders,
  ) {}

  private loader<K, V>(definition: LoaderDefinition<K, V>): DataLoader<K, V> {
    if (this.shared && definition.viewerIndependent) return this.shared.loader(definition);
    let loader = this.loaders.get(definition as LoaderDefinition<unknown, unknown>);
    if (!loader) {
      loader = new DataLoader<K, V>((keys) => definition.batch(keys, this.viewerId), {
        maxBatchSize: 1000,
      });
      this.loaders.set(definition as LoaderDefinition<unknown, unknown>, loader);
    }
    return loader as DataLoader<K, V>;
  }

  load<K, V>(definition: LoaderDefinition<K, V>, key: K): Promise<V> {
    return this.loader(definition).load(key);
  }

  loadMany<K, V>(definition: LoaderDefinition<K, V>, keys: readonly K[]): Promise<V[]> {
    return this.loader(definition)
      .loadMany(keys)
      .then((values) =>
        values.map((value) => {
          if (value instanceof Error) throw value;
          return value;
        }),
      );
  }

  /** Seeds a cache with a row already in hand, so a later load needs no query. */
  prime<K, V>(definition: LoaderDefinition<K, V>, key: K, value: V): void {
    this.loader(definition).prime(key, value);
  }

  /** After a mutation, so fields resolved later in the same request see the new state. */
  clear<K, V>(definition: LoaderDefinition<K, V>, key: K): void {
    this.loader(definition).clear(key);
  }
}

/** Orders batch results to match the keys, as DataLoader requires. */
export function byKeys<K, R, V>(
  keys: readonly K[],
  rows: readonly R[],
  keyOf: (row: R) => K,
  valueOf: (row: R) => V,
  missing: V,
): V[] {
  const map = new Map<K, V>();
  for (const row of rows) map.set(keyOf(row), valueOf(row));
  return keys.map((key) => (map.has(key) ? (map.get(key) as V) : missing));
}

/**
 * A viewer-independent loader of rows by a key each row carries (usually its id): one `fetch` per
 * batch, undefined for a key without a row.
 */
export function defineRowLoader<R, K = string>(
  name: string,
  fetch: (keys: readonly K[]) => Promise<readonly R[]>,
  keyOf: (row: R) => K,
): LoaderDefinition<K, R | undefined> {
  return defineLoader<K, R | undefined>(
    name,
    async (keys) => byKeys(keys, await fetch(keys), keyOf, (row) => row, undefined),
    { viewerIndependent: true },
  );
}
