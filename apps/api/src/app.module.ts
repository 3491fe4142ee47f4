import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { GraphQLModule, GraphQLSchemaHost } from '@nestjs/graphql';
import { AccountsModule, AuthService } from '@app/accounts';
import { BroadcastsModule } from '@app/broadcasts';
import { MediaModule } from '@app/broadcasts/media';
import { CommonModule, InputPipe, SafeExceptionFilter } from '@app/common';
import { APP_CONFIG, AppConfig, ConfigModule } from '@app/config';
import { DatabaseModule, DatabaseOptions } from '@app/database';
import { GraphModule } from '@app/graph';
import { ModerationModule } from '@app/moderation';
import { NotificationsModule } from '@app/notifications';
import { PostsModule } from '@app/posts';
import { RealtimeModule, SocketRegistry } from '@app/realtime';
import { DevicesService, SeeItModule } from '@app/see-it';
import { TimelineModule } from '@app/timeline';
import { graphqlOptions } from './graphql/graphql.options';
import { HealthController } from './health.controller';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, database: DatabaseOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(database),
        CommonModule,
        RealtimeModule,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          imports: [AccountsModule, SeeItModule],
          inject: [AuthService, APP_CONFIG, DevicesService, SocketRegistry, GraphQLSchemaHost],
          useFactory: graphqlOptions,
        }),
        AccountsModule,
        GraphModule,
        PostsModule,
        BroadcastsModule,
        TimelineModule,
        MediaModule,
        NotificationsModule,
        SeeItModule,
        ModerationModule,
      ],
      controllers: [HealthController],
      providers: [
        { provide: APP_FILTER, useClass: SafeExceptionFilter },
        { provide: APP_PIPE, useValue: new InputPipe() },
      ],
    };
  }
}
