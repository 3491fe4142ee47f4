import { Logger } from '@nestjs/common';

/**
 * Warnings anyone can cause over and over (refused calls to a public endpoint). The first of each
 * kind in an interval is logged at once; the others are counted and summarized in one line when
 * the interval ends, so a flood of calls costs two lines a minute, not one per call.
 */
export class RepeatedWarnings {
  /** Occurrences after the first in this interval, by kind. */
  private readonly repeats = new Map<string, number>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly log: Logger,
    private readonly intervalMs: number,
  ) {}

  /** `kind` names what happened without details (a summary line says it); `message` has them. */
  warn(kind: string, message: string): void {
    const repeats = this.repeats.get(kind);
    if (repeats !== undefined) {
      this.repeats.set(kind, repeats + 1);
      return;
    }
    this.log.warn(message);
    this.repeats.set(kind, 0);
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.intervalMs);
      this.timer.unref();
    }
  }

  /** Logs the interval's counts and starts a new interval. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const seconds = Math.round(this.intervalMs / 1000);
    for (const [kind, repeats] of this.repeats) {
      if (repeats > 0) this.log.warn(`${kind}: ${repeats} more in the last ${seconds} s`);
    }
    this.repeats.clear();
  }
}
