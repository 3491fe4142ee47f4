import { BroadcastStatus } from '@app/broadcasts';
import { SeeItStatus } from '../see-it.enums';

/** The airings of a show that decide its status, as of one instant. */
export interface ShowSchedule<A> {
  /** An airing on now (the earliest-starting one if the show is on several channels). */
  current: A | null;
  /** The next airing to start. */
  next: A | null;
  /** Whether an airing has already ended. */
  aired: boolean;
}

/**
 * LIVE while an airing is on, UPCOMING when one is ahead, ON_DEMAND once it has aired (the
 * network's catch-up), ENDED when it has no airing at all: nothing to watch now or later.
 */
export function showStatus(schedule: ShowSchedule<unknown>): SeeItStatus {
  if (schedule.current) return SeeItStatus.LIVE;
  if (schedule.next) return SeeItStatus.UPCOMING;
  return schedule.aired ? SeeItStatus.ON_DEMAND : SeeItStatus.ENDED;
}

/** An ended broadcast is ON_DEMAND while its replay is available, else (like a canceled one) ENDED. */
export function broadcastStatus(status: BroadcastStatus, replayAvailable: boolean): SeeItStatus {
  switch (status) {
    case BroadcastStatus.LIVE:
      return SeeItStatus.LIVE;
    case BroadcastStatus.SCHEDULED:
      return SeeItStatus.UPCOMING;
    case BroadcastStatus.ENDED:
      return replayAvailable ? SeeItStatus.ON_DEMAND : SeeItStatus.ENDED;
    case BroadcastStatus.CANCELED:
      return SeeItStatus.ENDED;
  }
}

/** The channel a show's links tune to: the one it is on now, else the next one, else none. */
export function showChannel(schedule: ShowSchedule<{ channel: string }>): string | null {
  return (schedule.current ?? schedule.next)?.channel ?? null;
}
