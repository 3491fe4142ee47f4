import { createHash } from 'node:crypto';
import { InvalidInputError } from '@app/common';
import {
  countableHearts,
  isScheduledLater,
  parseCommentText,
  parseHeartCount,
  parseTitle,
  livePlaybackUrl,
} from './broadcast-rules';
import { BroadcastStatus } from './entities/broadcast.entity';
import { playbackName } from './playback-name';
import { signedReplayUrl } from './replays/replay-url';

describe('broadcast rules', () => {
  describe('titles and comments', () => {
    it('trims and counts code points, not UTF-16 units', () => {
      expect(parseTitle('  Q&A live  ')).toBe('Q&A live');
      expect(parseTitle('😀'.repeat(140))).toHaveLength(280);
      expect(() => parseTitle('😀'.repeat(141))).toThrow('title: must be at most 140 characters');
      expect(parseCommentText('é'.repeat(200))).toHaveLength(200);
      expect(() => parseCommentText('a'.repeat(201))).toThrow(
        'text: must be at most 200 characters (got 201)',
      );
    });

    it.each(['', '   ', '\n\t'])('rejects empty text %p', (text) => {
      expect(() => parseCommentText(text)).toThrow('text: must not be empty');
      expect(() => parseTitle(text)).toThrow(InvalidInputError);
    });
  });

  describe('hearts', () => {
    it('takes 1 to 100, 1 by default', () => {
      expect(parseHeartCount(undefined)).toBe(1);
      expect(parseHeartCount(null)).toBe(1);
      expect(parseHeartCount(100)).toBe(100);
      for (const bad of [0, -1, 101, 10_000, 1.5]) {
        expect(() => parseHeartCount(bad)).toThrow('count: must be from 1 to 100');
      }
    });

    it('counts at most 500 per viewer', () => {
      expect(countableHearts(0, 100)).toBe(100);
      expect(countableHearts(450, 100)).toBe(50);
      expect(countableHearts(500, 1)).toBe(0);
      let counted = 0;
      for (let i = 0; i < 7; i += 1) counted += countableHearts(counted, 100);
      expect(counted).toBe(500);
    });
  });

  describe('livePlaybackUrl', () => {
    const base = { id: '42', status: BroadcastStatus.LIVE };
    const media = { hlsUrl: 'https://cdn.example/hls', hookSecret: 'the-hook-secret' };
    const name = playbackName('42', media.hookSecret);

    it('is the live stream by playback name while LIVE, and nothing otherwise', () => {
      expect(livePlaybackUrl(media, base)).toBe(`https://cdn.example/hls/${name}.m3u8`);
      for (const status of [
        BroadcastStatus.SCHEDULED,
        BroadcastStatus.ENDED,
        BroadcastStatus.CANCELED,
      ]) {
        expect(livePlaybackUrl(media, { ...base, status })).toBeNull();
      }
    });
  });

  describe('signedReplayUrl', () => {
    const media = {
      hlsUrl: 'https://cdn.example/hls',
      hookSecret: 'the-hook-secret',
      replayUrlTtlSeconds: 7200,
    };
    const name = playbackName('42', media.hookSecret);

    it("signs nginx's secure_link_md5 of expires, name and secret, expiring on the hour", () => {
      const url = signedReplayUrl(media, '42', new Date('2026-01-01T10:20:00Z'));
      const expires = Date.parse('2026-01-01T13:00:00Z') / 1000;
      // echo -n "<expires><name> the-hook-secret" | openssl md5 -binary | base64url, by hand:
      const token = createHash('md5')
        .update(`${expires}${name} the-hook-secret`)
        .digest('base64')
        .replace(/\+/g, '-')
        .replace(/\//g, '_')
        .replace(/=+$/, '');
      expect(url).toBe(`https://cdn.example/hls/replays/${token}/${expires}/${name}/index.m3u8`);
      // Within the same hour, the same address.
      expect(signedReplayUrl(media, '42', new Date('2026-01-01T10:59:59Z'))).toBe(url);
    });
  });

  it('schedules only for a future time', () => {
    const now = new Date('2026-01-01T10:00:00Z');
    expect(isScheduledLater(undefined, now)).toBe(false);
    expect(isScheduledLater(new Date('2026-01-01T09:59:59Z'), now)).toBe(false);
    expect(isScheduledLater(now, now)).toBe(false);
    expect(isScheduledLater(new Date('2026-01-01T10:00:01Z'), now)).toBe(true);
  });
});
