import { Global, Module } from '@nestjs/common';
import { NodeRegistry, NodeResolver } from './graphql/node';

@Global()
@Module({
  providers: [NodeRegistry, NodeResolver],
  exports: [NodeRegistry],
})
export class CommonModule {}
