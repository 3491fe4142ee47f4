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
  /**
   * For a viewer-dependent loader: the answers for many viewers' keys in one call. When one event
   * is delivered to many subscribers, their loads go here together, one batch for all of them
   * instead of one per viewer.
   */
  readonly batchAmong?: (requests: readonly ViewerKey<K>[]) => Promise<V[]>;
}

/** A key asked for one viewer. */
export interface ViewerKey<K> {
  viewerId: string;
  key: K;
}

/** A fact about one (viewer, key) pair, such as "this viewer liked this post". */
export interface PairFact<V> {
  viewerId: string;
  key: string;
  value: V;
}

export function defineLoader<K, V>(
  name: string,
  batch: (keys: readonly K[], viewerId: string | undefined) => Promise<V[]>,
  options: Partial<Pick<LoaderDefinition<K, V>, 'viewerIndependent' | 'batchAmong'>> = {},
): LoaderDefinition<K, V> {
  return {
    name,
    batch,
    viewerIndependent: options.viewerIndependent ?? false,
    batchAmong: options.batchAmong,
  };
}

/**
 * A per-viewer loader of facts about (viewer, key) pairs: `among(viewerIds, keys)` returns the
 * facts that exist among those viewers and keys, and every other pair is `missing`. A request asks
 * it for its one viewer; a delivery burst asks it once for all its recipients. Signed out, every
 * answer is `missing`.
 */
export function definePairLoader<V>(
  name: string,
  among: (viewerIds: readonly string[], keys: readonly string[]) => Promise<PairFact<V>[]>,
  missing: V,
): LoaderDefinition<string, V> {
  const batchAmong = async (requests: readonly ViewerKey<string>[]): Promise<V[]> => {
    const facts = await among(
      [...new Set(requests.map((request) => request.viewerId))],
      [...new Set(requests.map((request) => request.key))],
    );
    const byPair = new Map(facts.map((fact) => [`${fact.viewerId}:${fact.key}`, fact.value]));
    return requests.map(({ viewerId, key }) => {
      const pair = `${viewerId}:${key}`;
      return byPair.has(pair) ? (byPair.get(pair) as V) : missing;
    });
  };
  return {
    name,
    viewerIndependent: false,
    batchAmong,
    batch: async (keys, viewerId) =>
      viewerId === undefined
        ? keys.map(() => missing)
        : batchAmong(keys.map((key) => ({ viewerId, key }))),
  };
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
   * Loads by key. Kept here rather than in DataLoader, whose cache hits wait for the next batch
   * dispatch: a value seeded or already loaded resolves at once, so a chain of them ends within
   * the turn and what it asks next joins the turn's batch.
   */
  values: Map<K, Promise<V>>;
  /** The values in hand (seeded, or loaded and settled), for `read` and `load`. */
  known: Map<K, V>;
  /** Made at the first key that is not in hand: a page whose rows came with it needs none. */
  batcher?: Pick<DataLoader<K, V>, 'load'>;
}

/** Per-request DataLoaders: one SQL statement per definition per turn, however many fields ask. */
export class RequestLoaders {
  private readonly states = new Map<
    LoaderDefinition<unknown, unknown>,
    LoaderState<unknown, unknown>
  >();
  /** In a shared set: each viewer-dependent definition's batcher across the viewers. */
  private amongViewers?: Map<
    LoaderDefinition<unknown, unknown>,
    DataLoader<ViewerKey<unknown>, unknown>
  >;

  /**
   * @param shared when one event is delivered to many subscribers: viewer-independent loads go
   *   there, fetched once for all of them, and the per-viewer loads of a definition that can
   *   answer many viewers at once (`batchAmong`) are batched there across the subscribers.
   */
  constructor(
    private readonly viewerId: string | undefined,
    private readonly shared?: RequestLoaders,
  ) {}

  /** Where the definition's values live: the shared set's, for a viewer-independent one. */
  private owner<K, V>(definition: LoaderDefinition<K, V>): RequestLoaders {
    return this.shared && definition.viewerIndependent ? this.shared : this;
  }

  private state<K, V>(definition: LoaderDefinition<K, V>): LoaderState<K, V> {
    const owner = this.owner(definition);
    if (owner !== this) return owner.state(definition);
    let state = this.states.get(definition as LoaderDefinition<unknown, unknown>);
    if (!state) {
      state = { values: new Map(), known: new Map() };
      this.states.set(definition as LoaderDefinition<unknown, unknown>, state);
    }
    return state as LoaderState<K, V>;
  }

  private batcher<K, V>(definition: LoaderDefinition<K, V>): Pick<DataLoader<K, V>, 'load'> {
    const viewerId = this.viewerId;
    return this.shared && definition.batchAmong && viewerId !== undefined
      ? this.shared.batcherAmongViewers(definition, viewerId)
      : afterTurnBatcher<K, V>((keys) => definition.batch(keys, viewerId), {
          maxBatchSize: 1000,
        });
  }

  /** One viewer's door to the definition's batcher across every viewer of this shared set. */
  private batcherAmongViewers<K, V>(
    definition: LoaderDefinition<K, V>,
    viewerId: string,
  ): Pick<DataLoader<K, V>, 'load'> {
    const key = definition as LoaderDefinition<unknown, unknown>;
    this.amongViewers ??= new Map();
    let among = this.amongViewers.get(key) as DataLoader<ViewerKey<K>, V> | undefined;
    if (!among) {
      among = afterTurnBatcher<ViewerKey<K>, V>((requests) => definition.batchAmong!(requests), {
        maxBatchSize: 1000,
      });
      this.amongViewers.set(key, among);
    }
    const batcher = among;
    return { load: (loaded: K) => batcher.load({ viewerId, key: loaded }) };
  }

  load<K, V>(definition: LoaderDefinition<K, V>, key: K): Promise<V> {
    const state = this.state(definition);
    const { values, known } = state;
    const value = values.get(key);
    if (value) return value;
    if (known.has(key)) return Promise.resolve(known.get(key) as V);
    state.batcher ??= this.owner(definition).batcher(definition);
    const loading = state.batcher.load(key);
    values.set(key, loading);
    // Unless cleared meanwhile (a load begun before a mutation may answer the old state), a value
    // is in hand for `read`; a failed load is asked again next time, as DataLoader's cache does.
    loading.then(
      (loaded) => {
        if (values.get(key) === loading) known.set(key, loaded);
      },
      () => {
        if (values.get(key) === loading) values.delete(key);
      },
    );
    return loading;
  }

  /**
   * The value when it is already in hand (seeded, or loaded earlier in the request), else its
   * load: fields of a page whose rows came with it complete without a promise each.
   */
  read<K, V>(definition: LoaderDefinition<K, V>, key: K): Read<V> {
    const { known } = this.state(definition);
    return known.has(key) ? (known.get(key) as V) : this.load(definition, key);
  }

  loadMany<K, V>(definition: LoaderDefinition<K, V>, keys: readonly K[]): Promise<V[]> {
    return Promise.all(keys.map((key) => this.load(definition, key)));
  }

  /** Seeds a cache with a row already in hand, so a later load needs no query. */
  prime<K, V>(definition: LoaderDefinition<K, V>, key: K, value: V): void {
    const { values, known } = this.state(definition);
    if (!values.has(key) && !known.has(key)) known.set(key, value);
  }

  /** After a mutation, so fields resolved later in the same request see the new state. */
  clear<K, V>(definition: LoaderDefinition<K, V>, key: K): void {
    const { values, known } = this.state(definition);
    values.delete(key);
    known.delete(key);
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

/** A value in hand, or its load: what `read` answers. */
export type Read<T> = T | Promise<T>;

/** `map` applied to a value read now, or once it is loaded. */
export function mapRead<V, T>(value: Read<V>, map: (value: V) => Read<T>): Read<T> {
  return value instanceof Promise ? value.then(map) : map(value);
}

/** The values of `reads`, at once when each is in hand, else once all are loaded. */
export function readAll<T extends readonly unknown[]>(reads: {
  readonly [K in keyof T]: Read<T[K]>;
}): Read<T> {
  return reads.some((read) => read instanceof Promise)
    ? Promise.all(reads)
    : (reads as unknown as T);
}
