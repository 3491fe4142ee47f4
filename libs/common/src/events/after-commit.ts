import { DataSource, EntityManager } from 'typeorm';
import { transaction } from '@app/database';

type Effect = () => Promise<void> | void;

const pending = new WeakMap<EntityManager, Effect[]>();

/**
 * Runs `work` in a transaction and, once it has committed, the effects registered on its manager
 * with `afterCommit` (pushes to subscribers, cache updates). A rolled-back transaction runs none,
 * so nobody is told about a change that did not happen.
 */
export async function runInTransaction<T>(
  db: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  let effects: Effect[] = [];
  const result = await transaction(db, async (manager) => {
    effects = [];
    pending.set(manager, effects);
    try {
      return await work(manager);
    } finally {
      pending.delete(manager);
    }
  });
  for (const effect of effects) {
    try {
      await effect();
    } catch (error) {
      // The change is committed; a failed push must not turn it into an error for the client.
      console.error('An after-commit effect failed:', error instanceof Error ? error.stack : error);
    }
  }
  return result;
}

/** Queues `effect` to run after the transaction of `manager` commits. */
export function afterCommit(manager: EntityManager, effect: Effect): void {
  const effects = pending.get(manager);
  if (!effects) {
    throw new Error('afterCommit needs a transaction started with runInTransaction');
  }
  effects.push(effect);
}
