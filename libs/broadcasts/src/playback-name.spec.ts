import { parsePlaybackName, playbackName } from './playback-name';

const SECRET = 'the-hook-secret';

describe('playback names', () => {
  it('is the id and a 16-character URL-safe tag, the same every time', () => {
    const name = playbackName('42', SECRET);
    expect(name).toMatch(/^42-[A-Za-z0-9_-]{16}$/);
    expect(playbackName('42', SECRET)).toBe(name);
    expect(playbackName('43', SECRET)).not.toBe(name.replace(/^42/, '43'));
    expect(playbackName('42', 'another-secret')).not.toBe(name);
  });

  it('maps a name back to its id', () => {
    expect(parsePlaybackName(playbackName('42', SECRET), SECRET)).toBe('42');
    expect(parsePlaybackName(playbackName('9223372036854775807', SECRET), SECRET)).toBe(
      '9223372036854775807',
    );
  });

  it('refuses names it did not make: other secrets, other ids, altered tags, other shapes', () => {
    const name = playbackName('42', SECRET);
    const tag = name.slice(3);
    const altered = `42-${tag[0] === 'A' ? 'B' : 'A'}${tag.slice(1)}`;
    for (const bad of [
      playbackName('42', 'another-secret'),
      `43-${tag}`,
      `042-${tag}`,
      altered,
      `${name}x`,
      name.slice(0, -1),
      ` ${name}`,
      `${name}\n`,
      '42',
      '',
      'k3y_-A',
    ]) {
      expect(parsePlaybackName(bad, SECRET)).toBeUndefined();
    }
    for (const bad of [undefined, null, 42, [name], { name }]) {
      expect(parsePlaybackName(bad, SECRET)).toBeUndefined();
    }
  });
});
