import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { BusHandler, BusMessage, EventBus, TopicHandlers } from './event-bus';

/** Redis pub/sub: one connection publishes, one listens to the topics this process needs. */
export class RedisBus extends EventBus {
  private readonly logger = new Logger('RedisBus');
  private readonly publisher: Redis;
  private readonly listener: Redis;
  private readonly handlers: TopicHandlers;

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    super();
    const options = { maxRetriesPerRequest: 3, lazyConnect: false };
    this.publisher = new Redis(url, options);
    this.listener = new Redis(url, options);
    for (const connection of [this.publisher, this.listener]) {
      connection.on('error', (error: Error) => this.logger.warn(`Redis: ${error.message}`));
    }
    this.handlers = new TopicHandlers(
      (topic) =>
        void this.listener
          .subscribe(this.prefix + topic)
          .catch((e: Error) => this.logger.error(e.message)),
      (topic) =>
        void this.listener
          .unsubscribe(this.prefix + topic)
          .catch((e: Error) => this.logger.error(e.message)),
    );
    this.listener.on('message', (channel: string, text: string) => {
      this.handlers.deliver(channel.slice(this.prefix.length), JSON.parse(text) as BusMessage);
    });
  }

  async publish(topic: string, message: BusMessage): Promise<void> {
    await this.publisher.publish(this.prefix + topic, JSON.stringify(message));
  }

  subscribe(topic: string, handler: BusHandler): () => void {
    return this.handlers.add(topic, handler);
  }

  async tryAcquire(key: string, ttlMs: number): Promise<boolean> {
    return (await this.publisher.set(`${this.prefix}lock:${key}`, '1', 'PX', ttlMs, 'NX')) === 'OK';
  }

  /** Resolves once both connections are ready, so the first events are not lost. */
  async ready(): Promise<void> {
    await Promise.all([this.publisher.ping(), this.listener.ping()]);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.publisher.quit(), this.listener.quit()]);
  }
}
