import DataLoader from 'dataloader';

/**
 * A batch function owned by a service, e.g. "users by id" or "does the viewer follow these
 * users". Defined once; each request gets its own batcher and answers for it.
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

/**
 * A batcher of the whole process: what callers ask in one turn goes to `run` as one call (one
 * statement), so thousands of callers arriving at once (a reconnect storm) cost a few statements.
 * No cache: every turn reads afresh.
 */
export function afterTurnBatcher<K, V>(
  run: (keys: readonly K[]) => Promise<V[]>,
  options: { maxBatchSize?: number } = {},
): DataLoader<K, V> {
  return new DataLoader<K, V>(run, {
    ...options,
    cache: false,
    // Sent once the event loop's turn is done rather than after the current tick: fields that ask
    // in different ticks of one turn (a page's posts and broadcasts, each down its own chain of
    // promises) share one statement instead of one each.
    batchScheduleFn: setImmediate,
  });
}

/** One definition's values in one request: what was asked or seeded, and the batcher. */
interface LoaderState<K, V> {
  /**
   * Answers by key. Kept here rather than in DataLoader, whose cache hits wait for the next batch
   * dispatch: a value seeded or already loaded resolves at once, so a chain of them ends within
   * the turn and what it asks next joins the turn's batch.
   */
  values: Map<K, Promise<V>>;
  batcher: DataLoader<K, V>;
}

/** Per-request DataLoaders: one SQL statement per definition per turn, however many fields ask. */
export class RequestLoaders {
  private readonly states = new Map<
    LoaderDefinition<unknown, unknown>,
    LoaderState<unknown, unknown>
  >();

  /**
   * @param shared where viewer-independent loads go when one event is delivered to many
   *   subscribers: their rows are then fetched once for all of them.
   */
  constructor(
    private readonly viewerId: string | undefined,
    private readonly shared?: RequestLoaders,
  ) {}

  private state<K, V>(definition: LoaderDefinition<K, V>): LoaderState<K, V> {
    if (this.shared && definition.viewerIndependent) return this.shared.state(definition);
    let state = this.states.get(definition as LoaderDefinition<unknown, unknown>);
    if (!state) {
      state = {
        values: new Map(),
        batcher: afterTurnBatcher<unknown, unknown>(
          (keys) => definition.batch(keys as K[], this.viewerId),
          { maxBatchSize: 1000 },
        ),
      };
      this.states.set(definition as LoaderDefinition<unknown, unknown>, state);
    }
    return state as LoaderState<K, V>;
  }

  load<K, V>(definition: LoaderDefinition<K, V>, key: K): Promise<V> {
    const { values, batcher } = this.state(definition);
    const value = values.get(key);
    if (value) return value;
    const loading = batcher.load(key);
    values.set(key, loading);
    // A failed load is asked again next time, as DataLoader's own cache does.
    loading.catch(() => {
      if (values.get(key) === loading) values.delete(key);
    });
    return loading;
  }

  loadMany<K, V>(definition: LoaderDefinition<K, V>, keys: readonly K[]): Promise<V[]> {
    return Promise.all(keys.map((key) => this.load(definition, key)));
  }

  /** Seeds a cache with a row already in hand, so a later load needs no query. */
  prime<K, V>(definition: LoaderDefinition<K, V>, key: K, value: V): void {
    const { values } = this.state(definition);
    if (!values.has(key)) values.set(key, Promise.resolve(value));
  }

  /** After a mutation, so fields resolved later in the same request see the new state. */
  clear<K, V>(definition: LoaderDefinition<K, V>, key: K): void {
    this.state(definition).values.delete(key);
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
