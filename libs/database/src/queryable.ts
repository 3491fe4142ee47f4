import { DataSource, EntityManager } from 'typeorm';

/**
 * What a repository method runs its SQL on: the pool (`DataSource`) outside a transaction, or the
 * transaction's `EntityManager` when a service calls it inside `runInTransaction`.
 */
export type Queryable = DataSource | EntityManager;
