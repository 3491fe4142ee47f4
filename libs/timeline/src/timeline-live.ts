import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { decodeCursor, RequestLoaders, toGlobalId } from '@app/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { FollowService, RelationshipPolicy } from '@app/graph';
import { AsyncQueue, BusMessage, EventBus } from '@app/realtime';
import { TimelineItemKind } from './entities/timeline-entry.entity';
import { TimelineUpdateKindModel, TimelineUpdateModel } from './models/timeline-update.model';
import { TimelineSources } from './timeline-sources';
import { LOG_HEAD_SQL, TIMELINE_TOPIC, TimelineDoorbell, updateCursor } from './timeline-updates';

/** An update with the loaders its item was resolved with, for the fields resolved next. */
export interface TimelineDelivery {
  update: TimelineUpdateModel;
  loaders: RequestLoaders;
}

/** One open `timelineUpdates` subscription in this process. */
interface TimelineSink {
  viewerId: string;
  /** Id of the last log row delivered (or skipped): the watermark its cursor encodes. */
  last: bigint;
  /** Accounts above the fan-out limit the viewer follows: their ownerless rows are theirs too. */
  pullAuthors: Set<string>;
  queue: AsyncQueue<TimelineDelivery>;
  closed: boolean;
}

interface LogRow {
  id: string;
  owner_id: string | null;
  author_id: string;
  kind: Exclude<TimelineUpdateKindModel, TimelineUpdateKindModel.RESYNC>;
  item_kind: TimelineItemKind;
  item_id: string;
}

const PAGE = 500;

/**
 * Delivers the update log to this process's subscribers. Replay and live delivery are the same
 * read: every row after the subscriber's watermark, in id order. The bus only says whose logs
 * grew; because ids are visible in commit order, reading `id > watermark` never skips a row,
 * never repeats one, and a reconnect with the last cursor resumes exactly where it stopped,
 * across restarts.
 */
@Injectable()
export class TimelineLive implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(TimelineLive.name);
  private readonly byOwner = new Map<string, Set<TimelineSink>>();
  private readonly byAuthor = new Map<string, Set<TimelineSink>>();
  /** Reads run one at a time, so a sink's watermark only moves forward. */
  private chain: Promise<void> = Promise.resolve();
  private unsubscribe?: () => void;
  private stopRecovering?: () => void;
  private purgeTimer?: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly bus: EventBus,
    private readonly sources: TimelineSources,
    private readonly policy: RelationshipPolicy,
    private readonly follows: FollowService,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.bus.subscribe(TIMELINE_TOPIC, (message) => this.ring(message));
    this.stopRecovering = this.bus.onRecover(() => this.catchUpAll());
    this.purgeTimer = setInterval(
      () => void this.purge().catch((e: Error) => this.logger.error(e.message)),
      10 * 60_000,
    );
    this.purgeTimer.unref();
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    this.stopRecovering?.();
    clearInterval(this.purgeTimer);
  }

  /**
   * Opens a subscription: replay from `after`, then live. It starts with RESYNC, and goes on live
   * from the log's head, when `after` cannot be resumed: older than the kept log, beyond its head
   * (a cursor from before a restore, whose ids will be handed out again), or with more rows
   * pending than one open may replay.
   */
  async open(
    viewerId: string,
    after: string | null | undefined,
  ): Promise<AsyncIterableIterator<TimelineDelivery>> {
    const afterId = after ? BigInt(decodeCursor(after, ['int'])[0]) : undefined;
    const pullAuthors = await this.pullAuthorsOf(viewerId);
    const [bounds] = await this.db.query<{ head: string; purged: string }[]>(LOG_HEAD_SQL);
    const head = BigInt(bounds.head);
    const resync =
      afterId !== undefined &&
      (afterId < BigInt(bounds.purged) ||
        afterId > head ||
        (await this.backlogExceedsReplay(viewerId, pullAuthors, afterId)));
    const start = afterId === undefined || resync ? head : afterId;
    const sink: TimelineSink = {
      viewerId,
      last: start,
      pullAuthors,
      closed: false,
      queue: new AsyncQueue<TimelineDelivery>(
        () => {
          sink.closed = true;
          this.unregister(sink);
        },
        10_000,
        // A reader this far behind reloads instead of holding the server's memory.
        () => resyncUpdate(viewerId, sink.last),
      ),
    };
    if (resync) sink.queue.push(resyncUpdate(viewerId, start));
    this.register(sink);
    this.enqueue(() => this.pull([sink]));
    return sink.queue;
  }

  /** Whether more rows than one open may replay are pending for the viewer after `afterId`. */
  private async backlogExceedsReplay(
    viewerId: string,
    pullAuthors: Set<string>,
    afterId: bigint,
  ): Promise<boolean> {
    const cap = this.config.timeline.maxReplayedUpdates;
    const [row] = await this.db.query<{ pending: number }[]>(
      `SELECT count(*)::int AS pending FROM (
         SELECT 1 FROM timeline_updates
         WHERE id > $1 AND (owner_id = $2 OR (owner_id IS NULL AND author_id = ANY($3::bigint[])))
         LIMIT $4) AS backlog`,
      [afterId.toString(), viewerId, [...pullAuthors], cap + 1],
    );
    return row.pending > cap;
  }

  /** Deletes log rows past the retention and moves the horizon that triggers RESYNC. */
  async purge(): Promise<number> {
    const cutoff = new Date(Date.now() - this.config.timeline.updatesRetentionHours * 3600_000);
    let purged = 0;
    for (;;) {
      const [row] = await this.db.query<{ deleted: string; through: string | null }[]>(
        `WITH doomed AS (
           DELETE FROM timeline_updates WHERE id IN (
             SELECT id FROM timeline_updates WHERE created_at < $1 ORDER BY id LIMIT 10000)
           RETURNING id)
         SELECT count(*) AS deleted, max(id) AS through FROM doomed`,
        [cutoff],
      );
      if (row.through !== null) {
        await this.db.query(
          'UPDATE timeline_update_horizon SET purged_through = GREATEST(purged_through, $1)',
          [row.through],
        );
      }
      purged += Number(row.deleted);
      if (Number(row.deleted) < 10000) return purged;
    }
  }

  private ring(message: BusMessage): void {
    const doorbell = message as unknown as TimelineDoorbell;
    const batch = new Set<TimelineSink>();
    for (const owner of doorbell.owners) {
      for (const sink of this.byOwner.get(owner) ?? []) batch.add(sink);
    }
    const refresh = (doorbell.refresh ?? []).flatMap((owner) => [
      ...(this.byOwner.get(owner) ?? []),
    ]);
    if (
      batch.size === 0 &&
      refresh.length === 0 &&
      (doorbell.authors.length === 0 || this.byOwner.size === 0)
    ) {
      return;
    }
    this.enqueue(async () => {
      for (const sink of refresh) await this.reloadPullAuthors(sink);
      for (const sink of await this.followersOf(doorbell.authors)) batch.add(sink);
      for (const sink of refresh) batch.add(sink);
      await this.pull([...batch]);
    });
  }

  /**
   * Doorbells may have been lost (the bus was down): every local subscriber re-reads its log from
   * its watermark, with the large accounts it follows read again, as a lost refresh would have.
   */
  private catchUpAll(): void {
    this.enqueue(async () => {
      const sinks = [...this.byOwner.values()].flatMap((set) => [...set]);
      if (sinks.length === 0) return;
      const pulled = await this.pullAuthorsOfMany(sinks.map((sink) => sink.viewerId));
      for (const sink of sinks) {
        this.unregister(sink);
        sink.pullAuthors = pulled.get(sink.viewerId) ?? new Set();
        if (!sink.closed) this.register(sink);
      }
      await this.pull(sinks);
    });
  }

  /**
   * Local subscribers following any of `authors` (accounts above the fan-out limit). Asked of
   * the database, not only the index: an account may have just crossed the limit.
   */
  private async followersOf(authors: string[]): Promise<TimelineSink[]> {
    if (authors.length === 0 || this.byOwner.size === 0) return [];
    const rows = await this.db.query<{ follower_id: string; followee_id: string }[]>(
      'SELECT follower_id, followee_id FROM follows WHERE followee_id = ANY($1::bigint[]) AND follower_id = ANY($2::bigint[])',
      [authors, [...this.byOwner.keys()]],
    );
    const sinks: TimelineSink[] = [];
    for (const row of rows) {
      for (const sink of this.byOwner.get(row.follower_id) ?? []) {
        if (!sink.pullAuthors.has(row.followee_id)) {
          sink.pullAuthors.add(row.followee_id);
          add(this.byAuthor, row.followee_id, sink);
        }
        sinks.push(sink);
      }
    }
    return sinks;
  }

  private async reloadPullAuthors(sink: TimelineSink): Promise<void> {
    this.unregister(sink);
    sink.pullAuthors = await this.pullAuthorsOf(sink.viewerId);
    if (!sink.closed) this.register(sink);
  }

  private enqueue(work: () => Promise<void>): void {
    this.chain = this.chain
      .then(work)
      .catch((error: Error) => this.logger.error(`Timeline delivery failed: ${error.stack}`));
  }

  /** Reads every row after the smallest watermark of `sinks` and hands each sink what is new to it. */
  private async pull(sinks: TimelineSink[]): Promise<void> {
    const open = sinks.filter((sink) => !sink.closed);
    if (open.length === 0) return;
    const members = new Set(open);
    const owners = [...new Set(open.map((sink) => sink.viewerId))];
    const authors = [...new Set(open.flatMap((sink) => [...sink.pullAuthors]))];
    let from = open.reduce((min, sink) => (sink.last < min ? sink.last : min), open[0].last);
    for (;;) {
      const rows = await this.db.query<LogRow[]>(
        `SELECT id, owner_id, author_id, kind, item_kind, item_id FROM timeline_updates
         WHERE id > $1 AND (owner_id = ANY($2::bigint[]) OR (owner_id IS NULL AND author_id = ANY($3::bigint[])))
         ORDER BY id LIMIT ${PAGE}`,
        [from.toString(), owners, authors],
      );
      if (rows.length === 0) return;
      const deliveries: [TimelineSink, LogRow][] = [];
      for (const row of rows) {
        const targets = row.owner_id
          ? this.byOwner.get(row.owner_id)
          : this.byAuthor.get(row.author_id);
        for (const sink of targets ?? []) {
          if (members.has(sink) && BigInt(row.id) > sink.last) deliveries.push([sink, row]);
        }
      }
      // In chunks, so the first subscribers hear while later ones are being resolved. Deliveries
      // are in log order, so each subscriber's stay in order across chunks.
      for (let i = 0; i < deliveries.length; i += PAGE) {
        await this.deliver(deliveries.slice(i, i + PAGE));
      }
      from = BigInt(rows[rows.length - 1].id);
      if (rows.length < PAGE) return;
    }
  }

  /**
   * Resolves each row's item as its viewer may see it. Rows fetched once for everyone go through
   * one shared loader set; the per-viewer facts (blocks, follows) are read for all viewers in two
   * statements and primed, so a burst to thousands of followers costs a handful of queries.
   */
  private async deliver(deliveries: [TimelineSink, LogRow][]): Promise<void> {
    if (deliveries.length === 0) return;
    const viewers = [...new Set(deliveries.map(([sink]) => sink.viewerId))];
    const authors = [...new Set(deliveries.map(([, row]) => row.author_id))];
    const [blocked, follows] = await Promise.all([
      this.db.query<{ blocker_id: string; blocked_id: string }[]>(
        'SELECT blocker_id, blocked_id FROM blocks WHERE blocker_id = ANY($1::bigint[]) AND blocked_id = ANY($2::bigint[])',
        [authors, viewers],
      ),
      this.db.query<{ follower_id: string; followee_id: string; notify: boolean }[]>(
        'SELECT follower_id, followee_id, notify FROM follows WHERE follower_id = ANY($1::bigint[]) AND followee_id = ANY($2::bigint[])',
        [viewers, authors],
      ),
    ]);
    const blockedPairs = new Set(blocked.map((b) => `${b.blocker_id}:${b.blocked_id}`));
    const followPairs = new Map(
      follows.map((f) => [`${f.follower_id}:${f.followee_id}`, f.notify]),
    );
    const shared = new RequestLoaders(undefined);
    const prepared = deliveries.map(([sink, row]) => {
      const loaders = new RequestLoaders(sink.viewerId, shared);
      loaders.prime(
        this.policy.blocksViewer,
        row.author_id,
        blockedPairs.has(`${row.author_id}:${sink.viewerId}`),
      );
      const notify = followPairs.get(`${sink.viewerId}:${row.author_id}`);
      loaders.prime(
        this.follows.viewerFollows,
        row.author_id,
        notify === undefined ? undefined : { notify },
      );
      return { sink, row, loaders };
    });
    const live = prepared.filter(({ row }) => row.kind !== TimelineUpdateKindModel.REMOVED);
    for (const kind of new Set(live.map(({ row }) => row.item_kind))) {
      await this.sources.get(kind).primeViewers?.(
        live
          .filter(({ row }) => row.item_kind === kind)
          .map(({ sink, row, loaders }) => ({
            itemId: row.item_id,
            viewerId: sink.viewerId,
            loaders,
          })),
      );
    }
    await Promise.all(
      prepared.map(async ({ sink, row, loaders }) => {
        const item =
          row.kind === TimelineUpdateKindModel.REMOVED
            ? null
            : ((await this.sources
                .get(row.item_kind)
                .resolve(loaders, row.item_id, sink.viewerId)) ?? null);
        return { sink, row, loaders, item };
      }),
    ).then((resolved) => {
      // Pushed in log order, after every item of the page is resolved.
      for (const { sink, row, loaders, item } of resolved) {
        sink.last = BigInt(row.id);
        if (sink.closed || (item === null && row.kind !== TimelineUpdateKindModel.REMOVED))
          continue;
        sink.queue.push({
          update: {
            kind: row.kind,
            cursor: updateCursor(sink.last),
            item,
            itemId: toGlobalId(
              row.item_kind === TimelineItemKind.POST ? 'Post' : 'Broadcast',
              row.item_id,
            ),
          },
          loaders,
        });
      }
    });
  }

  private async pullAuthorsOf(viewerId: string): Promise<Set<string>> {
    return (await this.pullAuthorsOfMany([viewerId])).get(viewerId) ?? new Set();
  }

  /** The accounts above the fan-out limit each viewer follows, in one statement. */
  private async pullAuthorsOfMany(viewerIds: string[]): Promise<Map<string, Set<string>>> {
    const rows = await this.db.query<{ follower_id: string; author_id: string }[]>(
      `SELECT f.follower_id, pa.author_id FROM timeline_pull_authors pa
       JOIN follows f ON f.follower_id = ANY($1::bigint[]) AND f.followee_id = pa.author_id`,
      [[...new Set(viewerIds)]],
    );
    const byViewer = new Map<string, Set<string>>();
    for (const row of rows) add(byViewer, row.follower_id, row.author_id);
    return byViewer;
  }

  private register(sink: TimelineSink): void {
    add(this.byOwner, sink.viewerId, sink);
    for (const author of sink.pullAuthors) add(this.byAuthor, author, sink);
  }

  private unregister(sink: TimelineSink): void {
    remove(this.byOwner, sink.viewerId, sink);
    for (const author of sink.pullAuthors) remove(this.byAuthor, author, sink);
  }
}

function resyncUpdate(viewerId: string, last: bigint): TimelineDelivery {
  return {
    update: {
      kind: TimelineUpdateKindModel.RESYNC,
      cursor: updateCursor(last),
      item: null,
      itemId: null,
    },
    loaders: new RequestLoaders(viewerId),
  };
}

function add<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key) ?? new Set<V>();
  set.add(value);
  map.set(key, set);
}

function remove<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (set?.delete(value) && set.size === 0) map.delete(key);
}
