import { ConsoleLogger, LoggerService, LogLevel } from '@nestjs/common';

export interface LogEntry {
  level: LogLevel;
  context?: string;
  /** The message, then any stack, as one string. */
  text: string;
}

/**
 * What the test apps log, kept instead of printed, so a test's expected failures stay out of
 * `npm test`'s output and the test can assert on them (`take`). An error no test took is
 * printed when its app closes: an unexpected one is not hidden. SEEIT_TEST_LOGS=1 prints
 * everything as it happens.
 */
export class TestLogs implements LoggerService {
  private entries: LogEntry[] = [];
  private readonly console = process.env.SEEIT_TEST_LOGS === '1' ? new ConsoleLogger() : undefined;

  log(message: unknown, ...params: unknown[]): void {
    this.keep('log', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.keep('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.keep('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.keep('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.keep('verbose', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.keep('fatal', message, params);
  }

  /** Removes and returns the entries at `level` whose text matches `pattern`. */
  take(level: LogLevel, pattern: RegExp): LogEntry[] {
    const taken = this.entries.filter((e) => e.level === level && pattern.test(e.text));
    this.entries = this.entries.filter((e) => !taken.includes(e));
    return taken;
  }

  /** Prints the errors no test took, and forgets everything kept so far. */
  flush(): void {
    for (const { context, text } of this.entries.filter((e) => e.level === 'error')) {
      process.stderr.write(`[test app] ERROR ${context ? `[${context}] ` : ''}${text}\n`);
    }
    this.entries = [];
  }

  private keep(level: LogLevel, message: unknown, params: unknown[]): void {
    if (this.console) this.console[level](message, ...params);
    // Nest passes the context last, after an error's stack.
    const context =
      params.length > 0 && typeof params[params.length - 1] === 'string'
        ? (params.pop() as string)
        : undefined;
    const text = [message, ...params]
      .filter((part) => part !== undefined)
      .map((part) =>
        part instanceof Error
          ? (part.stack ?? part.message)
          : typeof part === 'string'
            ? part
            : JSON.stringify(part),
      )
      .join('\n');
    this.entries.push({ level, context, text });
  }
}

/**
 * The one TestLogs of a test file (jest loads modules once per file): Nest's Logger is static,
 * so every app a file starts logs to whichever was created last.
 */
export const testLogs = new TestLogs();
