export * from './database.module';
export * from './embedded-postgres';
export * from './query-counter';
export * from './returning';
export * from './database-check';
export * from './queryable';
export * from './generate-sql';
export * from './constraint-violation';
