import { EntityManager } from 'typeorm';

export type TransactionalHandler<E> = (manager: EntityManager, event: E) => Promise<void>;

/**
 * Domain events delivered inside the transaction that caused them, so whatever a listener writes
 * (timeline rows, notifications, the update log) commits or rolls back with the change itself.
 * Lower modules publish; higher ones (timeline, notifications) subscribe at module init.
 */
export class TransactionalEvents<Events extends object> {
  private readonly handlers = new Map<keyof Events, TransactionalHandler<never>[]>();

  on<K extends keyof Events>(name: K, handler: TransactionalHandler<Events[K]>): void {
    const list = this.handlers.get(name) ?? [];
    list.push(handler);
    this.handlers.set(name, list);
  }

  async emit<K extends keyof Events>(
    manager: EntityManager,
    name: K,
    event: Events[K],
  ): Promise<void> {
    for (const handler of this.handlers.get(name) ?? []) {
      await (handler as TransactionalHandler<Events[K]>)(manager, event);
    }
  }
}
