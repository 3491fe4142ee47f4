import { createHash } from 'node:crypto';
import type { PoolClient, QueryResult } from 'pg';
import { DataSource, QueryFailedError } from 'typeorm';
import { ColumnPositions, columnPositions, PositionalRow } from './positional-row';
import { Queryable } from './queryable';

/** What is known of a statement text: its name and, once read in array mode, its columns. */
interface Statement {
  /** The same text always gets the same name, and two texts never share one. */
  readonly name: string;
  positions?: ColumnPositions;
}

/** By text: each takes a few fixed variants (see preparedQuery). */
const statements = new Map<string, Statement>();

function statementOf(sql: string): Statement {
  let statement = statements.get(sql);
  if (statement === undefined) {
    statement = { name: `q_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}` };
    statements.set(sql, statement);
  }
  return statement;
}

/**
 * Runs a hot statement as a named prepared statement: each pool connection parses and plans it
 * once, and PostgreSQL may then keep a generic plan, where the home page's statement or a post's
 * writes otherwise cost more to plan than to run. It keeps one only when the generic plan looks
 * no costlier than a custom one: a parameter whose value changes the plan's size (a LIMIT in a
 * subquery) defeats it. For statements whose text takes a few fixed variants (each is kept, per
 * connection, for the life of the process). Logged and failing like `query()`.
 */
export async function preparedQuery<T>(
  db: Queryable,
  sql: string,
  params: unknown[],
): Promise<T[]> {
  const { result } = await runPrepared(db, sql, params, 'object');
  return result.rows as T[];
}

/** `preparedQuery` for a wide row read often: its rows read by position (PositionalRow). */
export async function preparedRows(
  db: Queryable,
  sql: string,
  params: unknown[],
): Promise<PositionalRow[]> {
  const { result, statement } = await runPrepared(db, sql, params, 'array');
  const positions = (statement.positions ??= columnPositions(
    result.fields.map((field) => field.name),
  ));
  return (result.rows as unknown[][]).map((values) => new PositionalRow(values, positions));
}

async function runPrepared(
  db: Queryable,
  sql: string,
  params: unknown[],
  rowMode: 'object' | 'array',
): Promise<{ result: QueryResult; statement: Statement }> {
  const manager = db instanceof DataSource ? db.manager : db;
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const client = (await runner.connect()) as PoolClient;
    manager.connection.logger.logQuery(sql, params, runner);
    const statement = statementOf(sql);
    const result = await client.query({
      name: statement.name,
      text: sql,
      values: params,
      ...(rowMode === 'array' ? { rowMode } : {}),
    });
    return { result, statement };
  } catch (error) {
    throw error instanceof QueryFailedError
      ? error
      : new QueryFailedError(sql, params, error as Error);
  } finally {
    if (!manager.queryRunner) await runner.release();
  }
}
