import { DataSource, QueryResult } from 'typeorm';
import { Queryable } from './queryable';

/**
 * Runs an UPDATE or DELETE … RETURNING and gives back the returned rows. TypeORM's plain
 * `query()` answers such statements with `[rows, rowCount]`, not the rows, which makes
 * "did it delete anything?" checks silently always true.
 */
export async function returningRows<T>(
  db: Queryable,
  sql: string,
  params: unknown[],
): Promise<T[]> {
  const manager = db instanceof DataSource ? db.manager : db;
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const result: QueryResult = await runner.query(sql, params, true);
    return result.records as T[];
  } finally {
    if (!manager.queryRunner) await runner.release();
  }
}
