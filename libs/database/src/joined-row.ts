/**
 * A row another library's statement reads beside its own: the owner lends a LATERAL join that
 * selects its column list under a prefix, and reads the prefixed columns back into its entity, so
 * one statement brings rows of several libraries without any of them naming another's table.
 */

import { ColumnPositions, PositionalRow, positionOf, ResultRow } from './positional-row';

/** "p.id, p.author_id" → [["p.id", "id"], ["p.author_id", "author_id"]]: each column and its name. */
function namedColumns(columns: string): [string, string][] {
  return columns.split(',').map((column) => {
    const expression = column.trim();
    return [expression, expression.slice(expression.lastIndexOf('.') + 1)];
  });
}

/** "p.id, p.author_id" under "post_" → "p.id AS post_id, p.author_id AS post_author_id". */
export function prefixedColumns(columns: string, prefix: string): string {
  return namedColumns(columns)
    .map(([expression, name]) => `${expression} AS ${prefix}${name}`)
    .join(', ');
}

/** The alias a joined row takes: its prefix without the trailing underscores ("post__" → "post"). */
export function joinedRowAlias(prefix: string): string {
  return prefix.replace(/_+$/, '');
}

/**
 * `LEFT JOIN LATERAL (SELECT <columns under prefix> FROM <from> WHERE <where>) <alias> ON true`:
 * at most one row, its columns all null when there is none.
 */
export function joinedRowSql(columns: string, prefix: string, from: string, where: string): string {
  const alias = joinedRowAlias(prefix);
  return `LEFT JOIN LATERAL (SELECT ${prefixedColumns(columns, prefix)}
    FROM ${from} WHERE ${where}) ${alias} ON true`;
}

/** Each column of a list under a prefix: its name in the row, and in the record read back. */
interface ReadPlan {
  readonly columns: readonly [prefixed: string, name: string][];
  /** Where each column is in `columns`, by its name in the record. */
  readonly indexOf: ReadonlyMap<string, number>;
  /** For each statement read by position, where each of `columns` is in its rows. */
  readonly positions: WeakMap<ColumnPositions, readonly number[]>;
}

/** For each column list and prefix, its read plan: rows are read often. */
const readPlans = new Map<string, Map<string, ReadPlan>>();

function readPlan(columns: string, prefix: string): ReadPlan {
  let byPrefix = readPlans.get(columns);
  if (!byPrefix) {
    byPrefix = new Map();
    readPlans.set(columns, byPrefix);
  }
  let plan = byPrefix.get(prefix);
  if (!plan) {
    const named = namedColumns(columns).map(([, name]): [string, string] => [
      `${prefix}${name}`,
      name,
    ]);
    plan = {
      columns: named,
      indexOf: new Map(named.map(([, name], i) => [name, i])),
      positions: new WeakMap(),
    };
    byPrefix.set(prefix, plan);
  }
  return plan;
}

function positionsOf(plan: ReadPlan, positions: ColumnPositions): readonly number[] {
  let at = plan.positions.get(positions);
  if (!at) {
    at = plan.columns.map(([prefixed]) => positionOf(positions, prefixed));
    plan.positions.set(positions, at);
  }
  return at;
}

/**
 * The columns of `row` that `joinedRowSql(columns, prefix, …)` selected, without the prefix, read
 * by `map`; undefined when the joined row was missing (`keyColumn`, never null in a real row, is
 * null).
 */
export function readJoinedRow<R, T>(
  row: ResultRow,
  columns: string,
  prefix: string,
  keyColumn: keyof R & string,
  map: (record: R) => T,
): T | undefined {
  const plan = readPlan(columns, prefix);
  const keyIndex = plan.indexOf.get(keyColumn);
  if (keyIndex === undefined) throw new Error(`${keyColumn} is not one of the columns ${columns}`);
  const record: Record<string, unknown> = {};
  if (row instanceof PositionalRow) {
    const at = positionsOf(plan, row.positions);
    const key = row.values[at[keyIndex]];
    if (key === null || key === undefined) return undefined;
    for (let i = 0; i < at.length; i++) record[plan.columns[i][1]] = row.values[at[i]];
  } else {
    const key = row[plan.columns[keyIndex][0]];
    if (key === null || key === undefined) return undefined;
    for (const [prefixed, name] of plan.columns) record[name] = row[prefixed];
  }
  return map(record as R);
}
