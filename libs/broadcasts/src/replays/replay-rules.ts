import { DEFAULT_PAGE_SIZE, InvalidInputError, MAX_PAGE_SIZE } from '@app/common';

/** The longest window one replayEvents call covers: a player asks again as it plays. */
const MAX_REPLAY_WINDOW_MS = 10 * 60_000;

export interface ReplayWindow {
  fromMs: number;
  toMs: number;
  /** Events returned at most (a page, priced as one by the cost limit); more says `truncated`. */
  first: number;
}

/**
 * `[fromMs, toMs)`: whole milliseconds, 0 <= fromMs <= toMs, at most 10 minutes wide; `first`
 * like any page (default 20, at most 100).
 */
export function parseReplayWindow(
  fromMs: number,
  toMs: number,
  first: number | null | undefined,
): ReplayWindow {
  if (!Number.isInteger(fromMs) || fromMs < 0) {
    throw InvalidInputError.field('fromMs', 'must be a whole number of milliseconds, 0 or more');
  }
  if (!Number.isInteger(toMs) || toMs < fromMs) {
    throw InvalidInputError.field(
      'toMs',
      'must be a whole number of milliseconds, at least fromMs',
    );
  }
  if (toMs - fromMs > MAX_REPLAY_WINDOW_MS) {
    throw InvalidInputError.field('toMs', `must be at most ${MAX_REPLAY_WINDOW_MS} after fromMs`);
  }
  const size = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw InvalidInputError.field('first', `must be from 1 to ${MAX_PAGE_SIZE}`);
  }
  return { fromMs, toMs, first: size };
}

/** The duration the media server reports, in whole milliseconds (at most int4). */
export function parseReplayDuration(raw: unknown): number | undefined {
  if (typeof raw !== 'string' || !/^\d{1,10}$/.test(raw)) return undefined;
  const value = Number(raw);
  return value > 0 && value <= 2_147_483_647 ? value : undefined;
}
