import { createHash } from 'node:crypto';
import type { FieldDef, PoolClient, QueryResult } from 'pg';
import { DataSource, QueryFailedError } from 'typeorm';
import { ColumnPositions, columnPositions, PositionalRow } from './positional-row';
import { Queryable } from './queryable';

const names = new Map<string, string>();

/** The same text always gets the same name, and two texts never share one. */
function statementName(sql: string): string {
  let name = names.get(sql);
  if (name === undefined) {
    name = `q_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    names.set(sql, name);
  }
  return name;
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
  const result = await runPrepared(db, sql, params, 'object');
  return result.rows as T[];
}

/** Each statement's column positions: its text takes a few fixed variants, as above. */
const statementPositions = new Map<string, ColumnPositions>();

function positionsFor(sql: string, fields: readonly FieldDef[]): ColumnPositions {
  let positions = statementPositions.get(sql);
  if (!positions) {
    positions = columnPositions(fields.map((field) => field.name));
    statementPositions.set(sql, positions);
  }
  return positions;
}

/** `preparedQuery` for a wide row read often: its rows read by position (PositionalRow). */
export async function preparedRows(
  db: Queryable,
  sql: string,
  params: unknown[],
): Promise<PositionalRow[]> {
  const result = await runPrepared(db, sql, params, 'array');
  const positions = positionsFor(sql, result.fields);
  return (result.rows as unknown[][]).map((values) => new PositionalRow(values, positions));
}

async function runPrepared(
  db: Queryable,
  sql: string,
  params: unknown[],
  rowMode: 'object' | 'array',
): Promise<QueryResult> {
  const manager = db instanceof DataSource ? db.manager : db;
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const client = (await runner.connect()) as PoolClient;
    manager.connection.logger.logQuery(sql, params, runner);
    return await client.query({
      name: statementName(sql),
      text: sql,
      values: params,
      ...(rowMode === 'array' ? { rowMode } : {}),
    });
  } catch (error) {
    throw error instanceof QueryFailedError
      ? error
      : new QueryFailedError(sql, params, error as Error);
  } finally {
    if (!manager.queryRunner) await runner.release();
  }
}
