import { Global, Module, OnApplicationShutdown } from '@nestjs/common';
import { NodeRegistry, NodeResolver } from './graphql/node';
import { RateLimitStore } from './rate-limit/rate-limit-store';
import { RateLimits, rateLimitStoreProvider } from './rate-limit/rate-limits';

@Global()
@Module({
  providers: [NodeRegistry, NodeResolver, rateLimitStoreProvider, RateLimits],
  exports: [NodeRegistry, RateLimits],
})
export class CommonModule implements OnApplicationShutdown {
  constructor(private readonly rateLimitStore: RateLimitStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.rateLimitStore.close();
  }
}
