import type { PoolClient } from 'pg';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';

/**
 * Runs `work` in a transaction on one pooled connection and passes it the transaction's
 * `EntityManager`: a lighter `DataSource.transaction`. START TRANSACTION is not awaited on its own
 * (the first statement queues behind it on the connection and leaves as soon as it is answered),
 * and START, COMMIT and ROLLBACK go straight to the connection, without TypeORM's transaction
 * events, which nothing here subscribes to. Logged and failing like `query()`.
 */
export async function transaction<T>(
  db: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  const runner = db.createQueryRunner();
  try {
    const client = (await runner.connect()) as PoolClient;
    const send = async (sql: string): Promise<void> => {
      db.logger.logQuery(sql, undefined, runner);
      try {
        await client.query(sql);
      } catch (error) {
        throw new QueryFailedError(sql, undefined, error as Error);
      }
    };
    const started = send('START TRANSACTION');
    let result: T;
    try {
      result = await work(runner.manager);
      await started;
    } catch (error) {
      // A failed START fails the statements behind it too: the work's error is the one to tell.
      await started.catch(() => undefined);
      await send('ROLLBACK').catch(() => undefined);
      throw error;
    }
    await send('COMMIT');
    return result;
  } finally {
    await runner.release();
  }
}
