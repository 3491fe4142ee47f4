import { InvalidInputError } from '@app/common';
import { parseAiring, parseHashtag, parseShowInput, parseSlug } from './show-rules';

describe('show rules', () => {
  describe('parseSlug', () => {
    it.each(['ab', 'the-show', 'show-2026', 'a'.repeat(60)])('accepts %p', (slug) => {
      expect(parseSlug(slug)).toBe(slug);
    });

    it.each(['a', 'a'.repeat(61), 'The-Show', 'the show', 'the_show', 'émission', ' ab', ''])(
      'refuses %p as BAD_USER_INPUT',
      (slug) => {
        expect(() => parseSlug(slug)).toThrow(InvalidInputError);
      },
    );
  });

  describe('parseHashtag', () => {
    it('keeps the tag as written, without the #, and keys it in lower case', () => {
      expect(parseHashtag('#TheShow')).toEqual({ hashtag: 'TheShow', tag: 'theshow' });
      expect(parseHashtag(' TheShow ')).toEqual({ hashtag: 'TheShow', tag: 'theshow' });
      expect(parseHashtag('#Café_2')).toEqual({ hashtag: 'Café_2', tag: 'café_2' });
    });

    it('keys the tag exactly as posts index it, even where lower-casing lengthens it', () => {
      expect([...parseHashtag('İ'.repeat(100)).tag]).toHaveLength(100);
    });

    it.each(['', '#', '#a', 'two words', '#the-show', '##TheShow', 'x'.repeat(101)])(
      'refuses %p as BAD_USER_INPUT',
      (hashtag) => {
        expect(() => parseHashtag(hashtag)).toThrow(InvalidInputError);
      },
    );
  });

  describe('parseShowInput', () => {
    const valid = { slug: 'the-show', title: ' The Show ', network: 'NBC', hashtag: '#TheShow' };

    it('trims the texts and drops an empty description', () => {
      expect(parseShowInput({ ...valid, description: '  ' })).toEqual({
        slug: 'the-show',
        title: 'The Show',
        network: 'NBC',
        hashtag: 'TheShow',
        tag: 'theshow',
        description: null,
      });
    });

    it.each([
      [{ title: '' }, 'title: must not be empty'],
      [{ title: 'x'.repeat(141) }, 'title: must be at most 140 characters'],
      [{ network: '  ' }, 'network: must not be empty'],
      [{ description: 'x'.repeat(1001) }, 'description: must be at most 1000 characters'],
    ])('refuses %p', (change, message) => {
      expect(() => parseShowInput({ ...valid, ...change })).toThrow(message);
    });
  });

  describe('parseAiring', () => {
    const startsAt = new Date('2026-03-01T20:00:00Z');

    it('accepts an airing that ends after it starts', () => {
      const endsAt = new Date('2026-03-01T21:00:00Z');
      expect(parseAiring({ channel: ' NBC East ', startsAt, endsAt })).toEqual({
        channel: 'NBC East',
        startsAt,
        endsAt,
      });
    });

    it.each([0, -1])('refuses one that ends %p ms after it starts', (delta) => {
      const endsAt = new Date(startsAt.getTime() + delta);
      expect(() => parseAiring({ channel: 'NBC', startsAt, endsAt })).toThrow(
        'endsAt: must be after startsAt',
      );
    });

    it('refuses an empty channel', () => {
      const endsAt = new Date(startsAt.getTime() + 1);
      expect(() => parseAiring({ channel: ' ', startsAt, endsAt })).toThrow(InvalidInputError);
    });
  });
});
