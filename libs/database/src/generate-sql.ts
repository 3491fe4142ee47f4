/**
 * Marks a repository method whose SQL is written to the committed query snapshot
 * (`npm run sql:snapshot`, checked in CI), so a review sees every query a change alters. `params`
 * are example arguments the snapshot calls the method with; a method that takes a `Queryable`
 * last leaves it out.
 */
export interface GenerateSqlOptions {
  /** Example arguments; several sets when the SQL differs by argument (e.g. with a cursor). */
  params?: unknown[][];
}

const GENERATE_SQL = Symbol('generate-sql');

type Marked = Record<symbol, Map<string, GenerateSqlOptions> | undefined>;

export function GenerateSql(options: GenerateSqlOptions = {}): MethodDecorator {
  return (target, key) => {
    const marked = target as Marked;
    const own = Object.prototype.hasOwnProperty.call(marked, GENERATE_SQL)
      ? marked[GENERATE_SQL]!
      : new Map(marked[GENERATE_SQL] ?? []);
    own.set(String(key), options);
    marked[GENERATE_SQL] = own;
  };
}

/** The methods of a repository instance marked with `@GenerateSql`, by name. */
export function generateSqlMethods(repository: object): Map<string, GenerateSqlOptions> {
  return (
    (Object.getPrototypeOf(repository) as Marked)[GENERATE_SQL] ??
    new Map<string, GenerateSqlOptions>()
  );
}
