import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnModuleDestroy,
  OnModuleInit,
} from '@nestjs/common';
import { RequestContext, RequestLoaders } from '@app/common';
import { RelationshipPolicy } from '@app/graph';
import { AsyncQueue, EventBus } from '@app/realtime';
import { BroadcastsRepository } from './broadcasts.repository';
import {
  broadcastFromJson,
  commentFromJson,
  publicBroadcast,
  PublicBroadcast,
} from './public-broadcast';
import { BroadcastEventKind, broadcastTopic, ReceivedBusMessage } from './broadcast-topics';
import { BroadcastStatus } from './entities/broadcast.entity';
import { BroadcastEventModel } from './models/broadcast-event.model';
import { PresenceService } from './presence.service';

interface Watcher {
  viewerId: string | undefined;
  /** The subscription's context: each event gets fresh loaders, so nothing stays cached. */
  context: RequestContext;
  queue: AsyncQueue<BroadcastEventModel>;
}

interface Audience {
  broadcastId: string;
  watchers: Set<Watcher>;
  /** How many of the watchers each signed-in viewer has open here. */
  perViewer: Map<string, number>;
  /** The heart count of the last HEARTS event delivered here, once there was one. */
  heartCount?: number;
  unsubscribe: () => void;
}

/** Events a slow client may have queued before its subscription is dropped. */
const MAX_QUEUED_EVENTS = 1000;

/**
 * The broadcastEvents subscriptions of this process. One bus subscription per broadcast, however
 * many watch it here; each event becomes its API object once and that same object goes to every
 * watcher, except a comment (or its removal), which skips the watchers its author blocks.
 */
@Injectable()
export class BroadcastStream implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly log = new Logger('BroadcastStream');
  private readonly audiences = new Map<string, Audience>();
  private stopRecovering?: () => void;
  /** Uncounts under way: a shutdown waits for them before the database pool closes. */
  private readonly uncounting = new Set<Promise<unknown>>();

  constructor(
    private readonly bus: EventBus,
    private readonly presence: PresenceService,
    private readonly policy: RelationshipPolicy,
    private readonly repository: BroadcastsRepository,
  ) {}

  onModuleInit(): void {
    this.stopRecovering = this.bus.onRecover(() => {
      this.catchUp().catch((error: Error) => this.log.error(`Catching up: ${error.message}`));
    });
  }

  onModuleDestroy(): void {
    this.stopRecovering?.();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.settled();
  }

  /** Resolves once the viewers whose subscriptions have closed so far are uncounted. */
  async settled(): Promise<void> {
    await Promise.all(this.uncounting);
  }

  /** A subscription to one broadcast's events; the caller checked that the viewer may see it. */
  open(broadcastId: string, context: RequestContext): AsyncQueue<BroadcastEventModel> {
    const audience = this.audienceOf(broadcastId);
    const viewerId = context.viewer?.id;
    const watcher: Watcher = {
      viewerId,
      context,
      queue: new AsyncQueue(() => this.close(broadcastId, watcher), MAX_QUEUED_EVENTS),
    };
    audience.watchers.add(watcher);
    if (viewerId) audience.perViewer.set(viewerId, (audience.perViewer.get(viewerId) ?? 0) + 1);
    return watcher.queue;
  }

  private audienceOf(broadcastId: string): Audience {
    const found = this.audiences.get(broadcastId);
    if (found) return found;
    const audience: Audience = {
      broadcastId,
      watchers: new Set<Watcher>(),
      perViewer: new Map(),
      unsubscribe: () => undefined,
    };
    // One delivery at a time: a comment waiting for its audience is not overtaken. An event
    // that fails (who may see a comment unknown) is pushed to no one and is in `comments`.
    let delivering = Promise.resolve();
    audience.unsubscribe = this.bus.subscribe(broadcastTopic(broadcastId), (message) => {
      delivering = delivering
        .then(() => this.deliver(audience, message as ReceivedBusMessage))
        .catch((error: Error) => this.log.error(`Delivering an event: ${error.message}`));
    });
    this.audiences.set(broadcastId, audience);
    return audience;
  }

  private async deliver(audience: Audience, message: ReceivedBusMessage): Promise<void> {
    const { watchers } = audience;
    if (message.type === 'removed') {
      for (const watcher of [...watchers]) {
        if (watcher.viewerId === message.userId) void watcher.queue.return();
      }
      return;
    }
    if (message.type === 'left') {
      if (audience.perViewer.has(message.userId)) {
        await this.presence.stillWatching(audience.broadcastId, message.userId);
      }
      return;
    }
    let { heartsDelta } = message;
    if (message.kind === BroadcastEventKind.HEARTS) {
      const told = heartsSinceLast(audience, message.broadcast.heartCount, heartsDelta);
      if (told === null) return;
      heartsDelta = told;
    }
    const event = BroadcastEventModel.from({
      kind: message.kind,
      broadcast: broadcastFromJson(message.broadcast),
      comment: message.comment ? commentFromJson(message.comment) : null,
      heartsDelta,
      at: new Date(message.at),
    });
    if (!event.comment) {
      this.push(watchers, event);
      return;
    }
    const recipients = [...watchers];
    const hidden = await this.policy.hiddenFromAmong(
      event.comment.authorId,
      recipients.flatMap((watcher) => (watcher.viewerId ? [watcher.viewerId] : [])),
    );
    this.push(
      new Set(recipients.filter((watcher) => !watcher.viewerId || !hidden.has(watcher.viewerId))),
      event,
    );
  }

  /**
   * Events may have been lost (the bus was down): each watched broadcast is read again and its
   * watchers get it as it is now, ENDED when it ended or was canceled meanwhile, else VIEWERS with
   * the current counts; the subscriptions to one deleted meanwhile end. Comments and hearts of the
   * gap are in `comments` and `heartCount`.
   */
  private async catchUp(): Promise<void> {
    if (this.audiences.size === 0) return;
    const rows = await this.repository.findByIds([...this.audiences.keys()]);
    const found = new Map(rows.map((row) => [row.id, row]));
    for (const [id, audience] of [...this.audiences]) {
      const row = found.get(id);
      if (!row) {
        for (const watcher of [...audience.watchers]) void watcher.queue.return();
        continue;
      }
      const broadcast: PublicBroadcast = publicBroadcast(row);
      const over =
        broadcast.status === BroadcastStatus.ENDED || broadcast.status === BroadcastStatus.CANCELED;
      this.push(
        audience.watchers,
        BroadcastEventModel.from({
          kind: over ? BroadcastEventKind.ENDED : BroadcastEventKind.VIEWERS,
          broadcast,
          comment: null,
          heartsDelta: 0,
          at: new Date(),
        }),
      );
    }
  }

  private push(watchers: Set<Watcher>, event: BroadcastEventModel): void {
    // Rows that do not depend on the viewer (the broadcaster, a comment's author) are then
    // loaded once for every watcher of the event.
    const shared = new RequestLoaders(undefined);
    for (const watcher of watchers) {
      watcher.context.loaders = new RequestLoaders(watcher.viewerId, shared);
      watcher.queue.push(event);
    }
  }

  /**
   * A subscription ended (unsubscribed, socket closed, access lost, too slow). A signed-in viewer
   * with no other subscription to the broadcast here is no longer watching here: uncounted, and
   * counted again by a process where they still watch (`closedHere`).
   */
  private close(broadcastId: string, watcher: Watcher): void {
    const audience = this.audiences.get(broadcastId);
    if (!audience?.watchers.delete(watcher)) return;
    if (audience.watchers.size === 0) {
      audience.unsubscribe();
      this.audiences.delete(broadcastId);
    }
    const { viewerId } = watcher;
    if (!viewerId) return;
    const others = (audience.perViewer.get(viewerId) ?? 1) - 1;
    if (others > 0) {
      audience.perViewer.set(viewerId, others);
      return;
    }
    audience.perViewer.delete(viewerId);
    const uncount = this.presence
      .closedHere(broadcastId, viewerId)
      .catch((error: Error) => {
        this.log.error(`Uncounting a viewer of ${broadcastId}: ${error.message}`, error.stack);
      })
      .finally(() => this.uncounting.delete(uncount));
    this.uncounting.add(uncount);
  }
}

/**
 * A HEARTS event's delta as the count moved since the previous HEARTS event delivered here, or
 * null when it did not move: each API process publishes its own batches, and the bus may bring
 * an earlier batch's count after a later one. The first one here keeps its batch's delta.
 */
function heartsSinceLast(audience: Audience, count: number, batchDelta: number): number | null {
  const previous = audience.heartCount;
  if (previous !== undefined && count <= previous) return null;
  audience.heartCount = count;
  return previous === undefined ? batchDelta : count - previous;
}
