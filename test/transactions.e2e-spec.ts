import { DataSource, QueryFailedError } from 'typeorm';
import { afterCommit, parseGlobalId, runInTransaction } from '@app/common';
import { TestApp } from '@app/testing';

/** runInTransaction on one pooled connection (libs/database transaction): commit and rollback. */
describe('runInTransaction', () => {
  let t: TestApp;
  let db: DataSource;
  beforeAll(async () => {
    // One connection: a transaction left open would block every statement after it.
    t = await TestApp.start({}, { poolSize: 1 });
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  const bio = async (id: string) =>
    (await db.query<{ bio: string | null }[]>('SELECT bio FROM users WHERE id = $1', [id]))[0].bio;

  it('commits the work, then runs its after-commit effects', async () => {
    const id = parseGlobalId((await t.signUp()).id, 'User');
    const effects: string[] = [];
    t.queries.reset();
    const result = await runInTransaction(db, async (manager) => {
      await manager.query(`UPDATE users SET bio = 'committed' WHERE id = $1`, [id]);
      afterCommit(manager, () => void effects.push('ran'));
      return 'done';
    });
    expect(result).toBe('done');
    expect(effects).toEqual(['ran']);
    expect(await bio(id)).toBe('committed');
    expect(t.queries.statements.map((sql) => sql.split(' ')[0])).toEqual([
      'START',
      'UPDATE',
      'COMMIT',
      'SELECT',
    ]);
  });

  it('rolls back on a failed statement, runs no effect, and the connection serves the next one', async () => {
    const id = parseGlobalId((await t.signUp()).id, 'User');
    const effects: string[] = [];
    t.queries.reset();
    await expect(
      runInTransaction(db, async (manager) => {
        await manager.query(`UPDATE users SET bio = 'rolled back' WHERE id = $1`, [id]);
        afterCommit(manager, () => void effects.push('ran'));
        await manager.query('SELECT 1 / 0');
      }),
    ).rejects.toThrow(QueryFailedError);
    expect(t.queries.statements.map((sql) => sql.split(' ')[0])).toEqual([
      'START',
      'UPDATE',
      'SELECT',
      'ROLLBACK',
    ]);
    expect(effects).toEqual([]);
    expect(await bio(id)).toBeNull();
  });

  it('throws the work’s own error when it fails before any statement', async () => {
    await expect(runInTransaction(db, () => Promise.reject(new Error('refused')))).rejects.toThrow(
      'refused',
    );
    expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });
});
