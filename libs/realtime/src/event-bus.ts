import { SetMultimap } from '@app/common';

/** A message on the bus: plain JSON, serialized once per publish whatever the audience. */
export type BusMessage = Record<string, unknown>;
export type BusHandler = (message: BusMessage) => void;
/** Whether messages flow now; `down` while Redis is away (pushes then wait for recovery). */
export type BusState = 'up' | 'down';

/**
 * The pub/sub bus behind every subscription. In one process it is in memory; with REDIS_URL it
 * is Redis pub/sub, so an event published by any API process reaches subscribers on all of them.
 */
export abstract class EventBus {
  private readonly recoverHandlers = new Set<() => void>();

  abstract get state(): BusState;
  /** Never waits on the transport: a message that cannot go now is dropped (see `onRecover`). */
  abstract publish(topic: string, message: BusMessage): Promise<void>;
  /** Local handler for a topic; returns the function that removes it. */
  abstract subscribe(topic: string, handler: BusHandler): () => void;
  /** True for exactly one caller per key per `ttlMs`, across processes: for rate-limited events. */
  abstract tryAcquire(key: string, ttlMs: number): Promise<boolean>;
  abstract close(): Promise<void>;

  /**
   * Runs `handler` when messages may have been lost and flow again (Redis came back): each
   * subscriber then re-reads from PostgreSQL what its clients may have missed. Returns the
   * function that removes it.
   */
  onRecover(handler: () => void): () => void {
    this.recoverHandlers.add(handler);
    return () => this.recoverHandlers.delete(handler);
  }

  protected recovered(): void {
    for (const handler of this.recoverHandlers) {
      try {
        handler();
      } catch (error) {
        console.error('A bus recovery handler failed:', error);
      }
    }
  }
}

/** Keeps the handlers of each topic and tells the transport when a topic gains or loses its last one. */
export class TopicHandlers {
  private readonly topics = new SetMultimap<string, BusHandler>();

  constructor(
    private readonly onFirst: (topic: string) => void,
    private readonly onLast: (topic: string) => void,
  ) {}

  add(topic: string, handler: BusHandler): () => void {
    if (this.topics.add(topic, handler)) this.onFirst(topic);
    return () => {
      if (this.topics.delete(topic, handler)) this.onLast(topic);
    };
  }

  topicNames(): string[] {
    return [...this.topics.keys()];
  }

  deliver(topic: string, message: BusMessage): void {
    for (const handler of this.topics.get(topic)) {
      try {
        handler(message);
      } catch (error) {
        console.error(`A handler of ${topic} failed:`, error);
      }
    }
  }
}

export class InProcessBus extends EventBus {
  private readonly handlers = new TopicHandlers(
    () => undefined,
    () => undefined,
  );
  private readonly locks = new Map<string, number>();
  readonly state: BusState = 'up';

  publish(topic: string, message: BusMessage): Promise<void> {
    // The same JSON round trip as Redis, so code behaves the same on either bus.
    const data = JSON.parse(JSON.stringify(message)) as BusMessage;
    setImmediate(() => this.handlers.deliver(topic, data));
    return Promise.resolve();
  }

  subscribe(topic: string, handler: BusHandler): () => void {
    return this.handlers.add(topic, handler);
  }

  tryAcquire(key: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    const until = this.locks.get(key);
    if (until !== undefined && until > now) return Promise.resolve(false);
    this.locks.set(key, now + ttlMs);
    if (this.locks.size > 10_000) {
      for (const [k, expiry] of this.locks) if (expiry <= now) this.locks.delete(k);
    }
    return Promise.resolve(true);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
