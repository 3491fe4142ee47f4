import { Injectable, Logger } from '@nestjs/common';
import { AsyncQueue, EventBus } from '@app/realtime';
import { broadcastFromJson, commentFromJson } from './broadcast-records';
import { broadcastTopic, ReceivedBusMessage } from './broadcast-topics';
import { BroadcastEventModel } from './models/broadcast-event.model';
import { PresenceService } from './presence.service';

interface Watcher {
  viewerId: string | undefined;
  queue: AsyncQueue<BroadcastEventModel>;
}

interface Audience {
  watchers: Set<Watcher>;
  /** How many of the watchers each signed-in viewer has open here. */
  perViewer: Map<string, number>;
  unsubscribe: () => void;
}

/** Events a slow client may have queued before its subscription is dropped. */
const MAX_QUEUED_EVENTS = 1000;

/**
 * The broadcastEvents subscriptions of this process. One bus subscription per broadcast, however
 * many watch it here; each event becomes its API object once and that same object goes to every
 * watcher (no per-subscriber filter or payload).
 */
@Injectable()
export class BroadcastStream {
  private readonly log = new Logger('BroadcastStream');
  private readonly audiences = new Map<string, Audience>();

  constructor(
    private readonly bus: EventBus,
    private readonly presence: PresenceService,
  ) {}

  /** A subscription to one broadcast's events; the caller checked that the viewer may see it. */
  open(broadcastId: string, viewerId: string | undefined): AsyncQueue<BroadcastEventModel> {
    const audience = this.audienceOf(broadcastId);
    const watcher: Watcher = {
      viewerId,
      queue: new AsyncQueue(() => this.close(broadcastId, watcher), MAX_QUEUED_EVENTS),
    };
    audience.watchers.add(watcher);
    if (viewerId) audience.perViewer.set(viewerId, (audience.perViewer.get(viewerId) ?? 0) + 1);
    return watcher.queue;
  }

  private audienceOf(broadcastId: string): Audience {
    let audience = this.audiences.get(broadcastId);
    if (!audience) {
      const watchers = new Set<Watcher>();
      const unsubscribe = this.bus.subscribe(broadcastTopic(broadcastId), (message) =>
        this.deliver(watchers, message as ReceivedBusMessage),
      );
      audience = { watchers, perViewer: new Map(), unsubscribe };
      this.audiences.set(broadcastId, audience);
    }
    return audience;
  }

  private deliver(watchers: Set<Watcher>, message: ReceivedBusMessage): void {
    if (message.type === 'banned') {
      for (const watcher of [...watchers]) {
        if (watcher.viewerId === message.userId) void watcher.queue.return();
      }
      return;
    }
    const event = BroadcastEventModel.from({
      kind: message.kind,
      broadcast: broadcastFromJson(message.broadcast),
      comment: message.comment ? commentFromJson(message.comment) : null,
      heartsDelta: message.heartsDelta,
      at: new Date(message.at),
    });
    for (const watcher of watchers) watcher.queue.push(event);
  }

  /**
   * A subscription ended (unsubscribed, socket closed, banned, too slow). A signed-in viewer
   * with no other subscription to the broadcast here is no longer watching: uncount them.
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
    this.presence.removeViewer(broadcastId, viewerId).catch((error: Error) => {
      this.log.error(`Uncounting a viewer of ${broadcastId}: ${error.message}`, error.stack);
    });
  }
}
