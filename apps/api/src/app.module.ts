import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule, Module, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { Request } from 'express';
import { AccountsModule, AuthService } from '@app/accounts';
import {
  CommonModule,
  costLimitPlugin,
  depthLimitRule,
  formatGraphQLError,
  SafeExceptionFilter,
  validationExceptionFactory,
} from '@app/common';
import { APP_CONFIG, AppConfig, ConfigModule } from '@app/config';
import { DatabaseModule, DatabaseOptions } from '@app/database';
import { GraphModule } from '@app/graph';
import { PostsModule } from '@app/posts';
import { TimelineModule } from '@app/timeline';
import { HealthController } from './health.controller';

function graphqlOptions(auth: AuthService, config: AppConfig): ApolloDriverConfig {
  const production = config.nodeEnv === 'production';
  return {
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    playground: false,
    introspection: true,
    plugins: [
      costLimitPlugin(config.graphql.maxCost),
      ...(config.graphql.playground
        ? [ApolloServerPluginLandingPageLocalDefault({ embed: true })]
        : []),
    ],
    validationRules: [depthLimitRule(config.graphql.maxDepth)],
    includeStacktraceInErrorResponses: !production,
    formatError: (formatted, error) => formatGraphQLError(formatted, error, production),
    // Guards sit on operations; enhancers on every field would cost 5x on nested lists.
    fieldResolverEnhancers: [],
    buildSchemaOptions: { numberScalarMode: 'integer' },
    context: ({ req }: { req: Request }) =>
      auth.createContext(req.headers.authorization, req.ip ?? 'unknown'),
  };
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, database: DatabaseOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(database),
        CommonModule,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          imports: [AccountsModule],
          inject: [AuthService, APP_CONFIG],
          useFactory: graphqlOptions,
        }),
        AccountsModule,
        GraphModule,
        PostsModule,
        TimelineModule,
      ],
      controllers: [HealthController],
      providers: [
        { provide: APP_FILTER, useClass: SafeExceptionFilter },
        {
          provide: APP_PIPE,
          useValue: new ValidationPipe({
            transform: true,
            forbidUnknownValues: false,
            exceptionFactory: validationExceptionFactory,
          }),
        },
      ],
    };
  }
}
