import { InvalidInputError } from '@app/common';
import {
  countableHearts,
  isScheduledLater,
  parseCommentText,
  parseHeartCount,
  parseTitle,
  playbackUrl,
} from './broadcast-rules';
import { BroadcastStatus } from './entities/broadcast.entity';
import { playbackName } from './playback-name';

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

  describe('playbackUrl', () => {
    const base = { id: '42', status: BroadcastStatus.LIVE };
    const media = { hlsUrl: 'https://cdn.example/hls', hookSecret: 'the-hook-secret' };
    const name = playbackName('42', media.hookSecret);

    it('is the live stream while LIVE and the replay once ENDED, by playback name', () => {
      expect(playbackUrl(media, base)).toBe(`https://cdn.example/hls/${name}.m3u8`);
      expect(playbackUrl(media, { ...base, status: BroadcastStatus.ENDED })).toBe(
        `https://cdn.example/hls/replays/${name}.m3u8`,
      );
    });

    it('is null before the start and for a canceled broadcast', () => {
      expect(playbackUrl(media, { ...base, status: BroadcastStatus.SCHEDULED })).toBeNull();
      expect(playbackUrl(media, { ...base, status: BroadcastStatus.CANCELED })).toBeNull();
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
