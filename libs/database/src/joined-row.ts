/**
 * A row another library's statement reads beside its own: the owner lends a LATERAL join that
 * selects its column list under a prefix, and reads the prefixed columns back into its entity, so
 * one statement brings rows of several libraries without any of them naming another's table.
 */

/** "p.id, p.author_id" under "post_" → "p.id AS post_id, p.author_id AS post_author_id". */
export function prefixedColumns(columns: string, prefix: string): string {
  return columns
    .split(',')
    .map((column) => {
      const expression = column.trim();
      return `${expression} AS ${prefix}${expression.slice(expression.lastIndexOf('.') + 1)}`;
    })
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

/**
 * The columns of `row` under `prefix`, without it, read by `map`; undefined when the joined row
 * was missing (`keyColumn`, never null in a real row, is null).
 */
export function readJoinedRow<R, T>(
  row: Record<string, unknown>,
  prefix: string,
  keyColumn: keyof R & string,
  map: (record: R) => T,
): T | undefined {
  if (row[`${prefix}${keyColumn}`] === null || row[`${prefix}${keyColumn}`] === undefined) {
    return undefined;
  }
  const record: Record<string, unknown> = {};
  for (const key of Object.keys(row)) {
    if (key.startsWith(prefix)) record[key.slice(prefix.length)] = row[key];
  }
  return map(record as R);
}
