import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Logger as TypeOrmLogger } from 'typeorm';
import { migrations } from '@app/migrations';

export interface DatabaseOptions {
  url: string;
  /** Pool size per process. */
  poolSize?: number;
  /** A statement logger (tests count statements with QueryCounter). */
  logger?: TypeOrmLogger;
}

/**
 * TypeORM on PostgreSQL. Schema changes only through the hand-reviewed migrations in
 * /migrations, which run before the service accepts traffic.
 */
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          type: 'postgres',
          url: options.url,
          autoLoadEntities: true,
          synchronize: false,
          migrations,
          migrationsRun: true,
          migrationsTransactionMode: 'each',
          extra: { max: options.poolSize ?? 10 },
          logger: options.logger,
          logging: options.logger ? ['query'] : false,
        }),
      ],
    };
  }
}
