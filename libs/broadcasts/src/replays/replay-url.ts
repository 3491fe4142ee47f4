import { createHash } from 'node:crypto';
import { playbackName } from '../playback-name';

const HOUR = 3600;

/**
 * The signed address of a replay's playlist:
 * `<hlsUrl>/replays/<token>/<expires>/<playbackName>/index.m3u8`, where `token` is
 * base64url(md5("<expires><playbackName> <secret>")) — what nginx's
 * `secure_link_md5 "$expires$name <secret>"` computes. The token sits in the path, not the query,
 * so the playlist's relative segment addresses carry it too. `expires` (Unix seconds) is rounded
 * up to the hour: everyone asking within the same hour gets the same address, which caches well.
 */
export function signedReplayUrl(
  media: { hlsUrl: string; hookSecret: string; replayUrlTtlSeconds: number },
  broadcastId: string,
  now: Date,
): string {
  const name = playbackName(broadcastId, media.hookSecret);
  const expires =
    Math.ceil((Math.floor(now.getTime() / 1000) + media.replayUrlTtlSeconds) / HOUR) * HOUR;
  return `${media.hlsUrl}/replays/${replayToken(name, expires, media.hookSecret)}/${expires}/${name}/index.m3u8`;
}

export function replayToken(name: string, expires: number, secret: string): string {
  return createHash('md5').update(`${expires}${name} ${secret}`, 'utf8').digest('base64url');
}
