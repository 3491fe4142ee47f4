import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { EventBus, InProcessBus } from './event-bus';
import { RedisBus } from './redis-bus';
import { SocketRegistry } from './socket-registry';

/** The process's one EventBus: Redis when REDIS_URL is set, in memory otherwise. */
@Global()
@Module({
  providers: [
    {
      provide: EventBus,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig): Promise<EventBus> => {
        if (!config.redisUrl) return new InProcessBus();
        const bus = new RedisBus(config.redisUrl, config.redisKeyPrefix);
        await bus.ready();
        return bus;
      },
    },
    SocketRegistry,
  ],
  exports: [EventBus, SocketRegistry],
})
export class RealtimeModule implements OnApplicationShutdown {
  constructor(@Inject(EventBus) private readonly bus: EventBus) {}

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }
}
