import { createHmac, timingSafeEqual } from 'node:crypto';

const TAG_LENGTH = 16;
const PLAYBACK_NAME = /^(\d{1,20})-([A-Za-z0-9_-]{16})$/;

function tag(id: string, secret: string): string {
  return createHmac('sha256', secret)
    .update(`playback:${id}`, 'utf8')
    .digest('base64url')
    .slice(0, TAG_LENGTH);
}

/**
 * The public name of a broadcast's stream, `<id>-<tag>`: what the media server publishes HLS
 * under instead of the secret stream key. The tag (an HMAC of the id) makes it unguessable, as
 * ids are sequential, and lets the hooks map it back to the broadcast without a lookup.
 */
export function playbackName(id: string, secret: string): string {
  return `${id}-${tag(id, secret)}`;
}

/** The broadcast id of a playback name made with this secret; undefined for anything else. */
export function parsePlaybackName(name: unknown, secret: string): string | undefined {
  if (typeof name !== 'string') return undefined;
  const match = PLAYBACK_NAME.exec(name);
  if (!match) return undefined;
  const [, id, given] = match;
  const expected = tag(id, secret);
  // Both are 16 ASCII characters, so the buffers have equal lengths.
  return timingSafeEqual(Buffer.from(given), Buffer.from(expected)) ? id : undefined;
}
