import { ConflictError, InvalidInputError, NotFoundError } from '@app/common';
import { BroadcastEntity, BroadcastStatus } from './entities/broadcast.entity';
import { playbackName } from './playback-name';

export const MAX_TITLE_LENGTH = 140;
export const MAX_COMMENT_LENGTH = 200;
/** Hearts one sendHearts call may carry. */
export const MAX_HEARTS_PER_CALL = 100;
/** Hearts of one viewer that count toward a broadcast's heartCount. */
export const MAX_COUNTED_HEARTS = 500;

/** Trimmed text of 1 to `max` Unicode code points (as PostgreSQL counts). */
export function parseText(raw: string, field: string, max: number): string {
  const text = raw.trim();
  const length = [...text].length;
  if (length === 0) throw InvalidInputError.field(field, 'must not be empty');
  if (length > max) {
    throw InvalidInputError.field(field, `must be at most ${max} characters (got ${length})`);
  }
  return text;
}

export function parseTitle(raw: string): string {
  return parseText(raw, 'title', MAX_TITLE_LENGTH);
}

export function parseCommentText(raw: string): string {
  return parseText(raw, 'text', MAX_COMMENT_LENGTH);
}

/** sendHearts' `count`: 1 to 100, default 1. */
export function parseHeartCount(count: number | null | undefined): number {
  const value = count ?? 1;
  if (!Number.isInteger(value) || value < 1 || value > MAX_HEARTS_PER_CALL) {
    throw InvalidInputError.field('count', `must be from 1 to ${MAX_HEARTS_PER_CALL}`);
  }
  return value;
}

/**
 * How many of `sent` new hearts count, when `counted` already did: the viewer's total stops at
 * MAX_COUNTED_HEARTS. The flush statement applies the same rule in SQL.
 */
export function countableHearts(counted: number, sent: number): number {
  return Math.max(0, Math.min(sent, MAX_COUNTED_HEARTS - counted));
}

/**
 * The live HLS address while LIVE (named after the public playback name, never the stream key);
 * none otherwise. Replays have signed addresses of their own (replays/replay-url.ts).
 */
export function livePlaybackUrl(
  media: { hlsUrl: string; hookSecret: string },
  broadcast: { id: string; status: BroadcastStatus },
): string | null {
  if (broadcast.status !== BroadcastStatus.LIVE) return null;
  return `${media.hlsUrl}/${playbackName(broadcast.id, media.hookSecret)}.m3u8`;
}

/** SQL: milliseconds from `startedAt` (an SQL timestamp) to now, as a non-negative int4. */
export function offsetFromStartSql(startedAt: string): string {
  return `LEAST(GREATEST(floor(extract(epoch FROM now() - ${startedAt}) * 1000), 0), 2147483647)::int`;
}

/** A past (or absent) scheduledFor starts the broadcast now; a future one schedules it. */
export function isScheduledLater(scheduledFor: Date | null | undefined, now: Date): boolean {
  return !!scheduledFor && scheduledFor.getTime() > now.getTime();
}

/** Joining, hearts and comments need a LIVE broadcast; a finished one is gone for them. */
export function requireLive(broadcast: BroadcastEntity): BroadcastEntity {
  if (broadcast.status === BroadcastStatus.SCHEDULED) {
    throw new ConflictError('This broadcast has not started yet.');
  }
  if (broadcast.status !== BroadcastStatus.LIVE) throw new NotFoundError('The live broadcast');
  return broadcast;
}
