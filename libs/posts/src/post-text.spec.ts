import { InvalidInputError } from '@app/common';
import { hashtagKey, parsePostText } from './post-text';

describe('parsePostText', () => {
  it('trims and extracts hashtags and mentions once each', () => {
    const parsed = parsePostText('  Watching #TheShow with @Ana_1 and @ana_1! #theshow #Café  ');
    expect(parsed.text).toBe('Watching #TheShow with @Ana_1 and @ana_1! #theshow #Café');
    expect(parsed.hashtags).toEqual(['TheShow', 'Café']);
    expect(parsed.mentions).toEqual(['ana_1']);
  });

  it('does not take emails, mid-word tags or too-short handles', () => {
    const parsed = parsePostText(
      'write to me@example.com, a#b, @ab, @toolonghandletoolonghandletoolong',
    );
    expect(parsed.hashtags).toEqual([]);
    expect(parsed.mentions).toEqual([]);
  });

  it('counts Unicode code points, not UTF-16 units', () => {
    expect(parsePostText('😀'.repeat(280)).text).toHaveLength(560);
    expect(() => parsePostText('😀'.repeat(281))).toThrow(InvalidInputError);
  });

  it.each(['', '   ', '\n\t'])('rejects empty or whitespace-only text %p', (text) => {
    expect(() => parsePostText(text)).toThrow('text: must not be empty');
  });

  it('rejects text over 280 characters', () => {
    expect(() => parsePostText('a'.repeat(281))).toThrow('at most 280');
  });
});

describe('hashtagKey', () => {
  it('lower-cases a tag', () => {
    expect(hashtagKey('TheShow')).toBe('theshow');
    expect(hashtagKey('Café')).toBe('café');
  });

  it('never exceeds 100 code points, even when lower-casing lengthens the tag', () => {
    const tag = 'İ'.repeat(100);
    expect([...tag.toLowerCase()]).toHaveLength(200);
    expect([...hashtagKey(tag)]).toHaveLength(100);
  });
});
