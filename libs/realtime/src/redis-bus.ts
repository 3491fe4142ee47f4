import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { connectRedis, redisConnection, redisUnreachable, RepeatedWarnings } from '@app/common';
import { BusHandler, BusMessage, BusState, EventBus, TopicHandlers } from './event-bus';

/** Every process listens here: a publisher that dropped messages says it is back. */
const RECOVERED_TOPIC = '_bus:recovered';

/** After a failed publish on a live connection, how often Redis is pinged until it answers. */
const PROBE_INTERVAL_MS = 1000;

/** How often unreadable messages are summarized in the log. */
const WARNING_INTERVAL_MS = 60_000;

/**
 * Redis pub/sub: one connection publishes, one listens to the topics this process needs.
 *
 * Redis is not the record of anything: every push is also in PostgreSQL (the update log, the
 * notifications), so a lost message delays, it does not lose. A publish therefore never waits:
 * while Redis is away, messages are dropped at once (no offline queue a mutation would wait on)
 * and, once it is back, every process is told to recover (`onRecover`), which re-reads what its
 * subscribers may have missed.
 */
export class RedisBus extends EventBus {
  private readonly logger = new Logger('RedisBus');
  private readonly publisher: Redis;
  private readonly listener: Redis;
  private readonly handlers: TopicHandlers;
  private readonly warnings = new RepeatedWarnings(this.logger, WARNING_INTERVAL_MS);
  /** Set while the publisher has dropped a message and not yet announced that it is back. */
  private dropped = false;
  /** The ping that finds out when a slow Redis answers again (the connection never dropped). */
  private probe?: NodeJS.Timeout;
  private listenerWasReady = false;
  /** Whether the listener holds its subscriptions: connected is not enough. */
  private listenerUp = false;
  private closing = false;

  constructor(
    private readonly url: string,
    private readonly prefix: string,
  ) {
    super();
    this.publisher = redisConnection(url, { commandTimeoutMs: 2000 });
    // Resubscribed by hand on reconnect, so recovery runs once the subscriptions are back.
    this.listener = redisConnection(url);
    for (const connection of [this.publisher, this.listener]) {
      connection.on('error', (error: Error) => this.logger.debug(`Redis: ${error.message}`));
    }
    this.publisher.on('ready', () => this.announceIfDropped());
    this.listener.on('ready', () => void this.listenerReady());
    this.listener.on('close', () => {
      if (this.listenerUp && !this.closing) {
        this.logger.warn('Lost Redis: pushes to subscribers wait until it is back');
      }
      this.listenerUp = false;
    });
    this.handlers = new TopicHandlers(
      (topic) => this.listen(topic),
      (topic) => {
        if (this.listener.status === 'ready') {
          this.listener.unsubscribe(this.prefix + topic).catch(() => undefined);
        }
      },
    );
    this.listener.on('message', (channel: string, text: string) => this.received(channel, text));
  }

  get state(): BusState {
    return this.publisher.status === 'ready' && this.listenerUp ? 'up' : 'down';
  }

  publish(topic: string, message: BusMessage): Promise<void> {
    if (this.publisher.status !== 'ready') {
      this.dropped = true;
      return Promise.resolve();
    }
    this.publisher.publish(this.prefix + topic, JSON.stringify(message)).then(
      () => this.announceIfDropped(),
      () => this.lost(),
    );
    return Promise.resolve();
  }

  subscribe(topic: string, handler: BusHandler): () => void {
    return this.handlers.add(topic, handler);
  }

  /** While Redis is away nobody acquires: throttled events wait for it, as other pushes do. */
  async tryAcquire(key: string, ttlMs: number): Promise<boolean> {
    if (this.publisher.status !== 'ready') return false;
    try {
      const result = await this.publisher.set(`${this.prefix}lock:${key}`, '1', 'PX', ttlMs, 'NX');
      return result === 'OK';
    } catch {
      return false;
    }
  }

  /** Connects both, or fails the start with one sentence: nothing works without the bus. */
  async ready(): Promise<void> {
    try {
      await Promise.all([connectRedis(this.publisher), connectRedis(this.listener)]);
    } catch (error) {
      await this.close();
      throw redisUnreachable(this.url, error);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.probe);
    this.warnings.flush();
    for (const connection of [this.publisher, this.listener]) {
      if (connection.status === 'ready') await connection.quit().catch(() => undefined);
      connection.disconnect();
    }
  }

  private listen(topic: string): void {
    if (this.listener.status !== 'ready') return; // subscribed with the others once it is back
    this.listener.subscribe(this.prefix + topic).catch((error: Error) => {
      this.logger.warn(`Subscribing to ${topic}: ${error.message}`);
    });
  }

  /**
   * Anyone may publish on the prefix: a message that is not a JSON object is not ours, and is
   * skipped rather than thrown inside the connection's event handler.
   */
  private received(channel: string, text: string): void {
    const topic = channel.slice(this.prefix.length);
    if (topic === RECOVERED_TOPIC) {
      this.recovered();
      return;
    }
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      message = undefined;
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      this.warnings.warn(
        'Skipped bus messages that are not JSON objects',
        `Skipped a message on ${channel} that is not a JSON object`,
      );
      return;
    }
    this.handlers.deliver(topic, message as BusMessage);
  }

  /**
   * A publish failed. When the connection dropped, its 'ready' announces the return; when it
   * stayed up (Redis was slow), a ping finds out when Redis answers again.
   */
  private lost(): void {
    this.dropped = true;
    if (this.probe || this.closing || this.publisher.status !== 'ready') return;
    this.probe = setTimeout(() => {
      this.probe = undefined;
      this.publisher.ping().then(
        () => this.announceIfDropped(),
        () => this.lost(),
      );
    }, PROBE_INTERVAL_MS);
    this.probe.unref();
  }

  /** Messages were dropped and Redis answers again: every process re-reads what it missed. */
  private announceIfDropped(): void {
    if (!this.dropped) return;
    this.dropped = false;
    void this.publish(RECOVERED_TOPIC, {});
  }

  /**
   * (Re)subscribes every topic; after a reconnect, recovery runs once Redis has confirmed them,
   * so a message published after the re-read cannot fall between the two.
   */
  private async listenerReady(): Promise<void> {
    const channels = [RECOVERED_TOPIC, ...this.handlers.topicNames()].map((t) => this.prefix + t);
    try {
      await this.listener.subscribe(...channels);
    } catch (error) {
      // Without its subscriptions the listener hears nothing: reconnect, which subscribes again.
      this.logger.warn(`Resubscribing: ${(error as Error).message}; reconnecting`);
      if (!this.closing) this.listener.disconnect(true);
      return;
    }
    this.listenerUp = true;
    if (this.listenerWasReady) {
      this.logger.log('Redis is back: re-reading what subscribers may have missed');
      this.recovered();
    }
    this.listenerWasReady = true;
  }
}
