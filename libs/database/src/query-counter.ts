import { AbstractLogger, LogLevel, LogMessage, QueryRunner } from 'typeorm';

/**
 * Starts the statements of periodic sweeps, which run on their own clock: QueryCounter leaves
 * them out, so a sweep landing in a measured window does not count against a request.
 */
export const BACKGROUND_SQL = '/* background */ ';

/**
 * A TypeORM logger that counts the statements sent, so tests can prove that a request's SQL
 * does not grow with the data (no N+1).
 */
export class QueryCounter extends AbstractLogger {
  private count = 0;
  readonly statements: string[] = [];

  override logQuery(query: string, _parameters?: unknown[], _runner?: QueryRunner): void {
    if (query.startsWith(BACKGROUND_SQL)) return;
    this.count += 1;
    this.statements.push(query);
  }

  protected writeLog(_level: LogLevel, _message: LogMessage | string | number): void {}

  reset(): void {
    this.count = 0;
    this.statements.length = 0;
  }

  get total(): number {
    return this.count;
  }
}
