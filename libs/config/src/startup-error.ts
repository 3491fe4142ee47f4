/**
 * A start that cannot succeed however often it is retried (wrong password, unknown host, no such
 * database): the process says so in one sentence and exits, without a stack.
 */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}
