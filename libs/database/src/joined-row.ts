/**
 * A row another library's statement reads beside its own: the owner lends a LATERAL join that
 * selects its column list under a prefix, and reads the prefixed columns back into its entity, so
 * one statement brings rows of several libraries without any of them naming another's table.
 */

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

/** For each column list and prefix, (prefixed name, name) of each column: rows are read often. */
const readPlans = new Map<string, Map<string, [string, string][]>>();

function readPlan(columns: string, prefix: string): [string, string][] {
  let byPrefix = readPlans.get(columns);
  if (!byPrefix) {
    byPrefix = new Map();
    readPlans.set(columns, byPrefix);
  }
  let plan = byPrefix.get(prefix);
  if (!plan) {
    plan = namedColumns(columns).map(([, name]) => [`${prefix}${name}`, name]);
    byPrefix.set(prefix, plan);
  }
  return plan;
}

/**
 * The columns of `row` that `joinedRowSql(columns, prefix, …)` selected, without the prefix, read
 * by `map`; undefined when the joined row was missing (`keyColumn`, never null in a real row, is
 * null).
 */
export function readJoinedRow<R, T>(
  row: Record<string, unknown>,
  columns: string,
  prefix: string,
  keyColumn: keyof R & string,
  map: (record: R) => T,
): T | undefined {
  const key = row[`${prefix}${keyColumn}`];
  if (key === null || key === undefined) return undefined;
  const record: Record<string, unknown> = {};
  for (const [prefixed, name] of readPlan(columns, prefix)) record[name] = row[prefixed];
  return map(record as R);
}
