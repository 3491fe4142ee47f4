import { InvalidInputError } from '@app/common';

/** The longest window one replayEvents call covers: a player asks again as it plays. */
export const MAX_REPLAY_WINDOW_MS = 10 * 60_000;
/** Events one replayEvents call returns at most; a busier window says `truncated`. */
export const MAX_REPLAY_EVENTS = 1000;

export interface ReplayWindow {
  fromMs: number;
  toMs: number;
}

/** `[fromMs, toMs)`: whole milliseconds, 0 <= fromMs <= toMs, at most 10 minutes wide. */
export function parseReplayWindow(fromMs: number, toMs: number): ReplayWindow {
  if (!Number.isInteger(fromMs) || fromMs < 0) {
    throw InvalidInputError.field('fromMs', 'must be a whole number of milliseconds, 0 or more');
  }
  if (!Number.isInteger(toMs) || toMs < fromMs) {
    throw InvalidInputError.field('toMs', 'must be a whole number of milliseconds, at least fromMs');
  }
  if (toMs - fromMs > MAX_REPLAY_WINDOW_MS) {
    throw InvalidInputError.field('toMs', `must be at most ${MAX_REPLAY_WINDOW_MS} after fromMs`);
  }
  return { fromMs, toMs };
}

/** The duration the media server reports, in whole milliseconds (at most int4). */
export function parseReplayDuration(raw: unknown): number | undefined {
  if (typeof raw !== 'string' || !/^\d{1,10}$/.test(raw)) return undefined;
  const value = Number(raw);
  return value > 0 && value <= 2_147_483_647 ? value : undefined;
}
