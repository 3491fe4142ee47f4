import { DynamicModule, Logger, Module } from '@nestjs/common';
import { TypeOrmModule, TypeOrmModuleOptions } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions, Logger as TypeOrmLogger } from 'typeorm';
import { migrations } from '@app/migrations';
import { DatabaseCheck } from './database-check';
import { withExtraPostgresTypes } from './postgres-types';
import { postgresTypeParsers } from './type-parsers';

export interface DatabaseOptions {
  url: string;
  /** Pool size per process. */
  poolSize?: number;
  /** A statement logger (tests count statements with QueryCounter). */
  logger?: TypeOrmLogger;
}

const log = new Logger('Database');

/** Connects and runs the pending migrations, saying in one line what they did. */
async function migratedDataSource(options: DataSourceOptions): Promise<DataSource> {
  const dataSource = await withExtraPostgresTypes(new DataSource(options)).initialize();
  try {
    const ran = await dataSource.runMigrations({ transaction: 'each' });
    log.log(
      ran.length === 0
        ? 'Database schema up to date'
        : `Database schema migrated: ${ran.length} migration(s) ran, the last ${ran.at(-1)!.name}`,
    );
    return dataSource;
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
}

/**
 * TypeORM on PostgreSQL. Schema changes only through the hand-reviewed migrations in
 * /migrations, which run before the service accepts traffic.
 */
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseOptions): DynamicModule {
    const typeOrmOptions: TypeOrmModuleOptions = {
      type: 'postgres',
      url: options.url,
      autoLoadEntities: true,
      synchronize: false,
      migrations,
      migrationsTransactionMode: 'each',
      extra: {
        max: options.poolSize ?? 10,
        // No JIT: its compile time (over a second for the home page's statement, whose estimated
        // cost passes jit_above_cost) dwarfs the few ms of work of any statement the service sends.
        options: '-c jit=off',
        // pg's parsers, with a faster one for timestamptz (same values).
        types: postgresTypeParsers,
      },
      logger: options.logger,
      logging: options.logger ? ['query'] : false,
    };
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => typeOrmOptions,
          dataSourceFactory: (dataSourceOptions) => migratedDataSource(dataSourceOptions!),
        }),
      ],
      providers: [DatabaseCheck],
      exports: [DatabaseCheck],
    };
  }
}
