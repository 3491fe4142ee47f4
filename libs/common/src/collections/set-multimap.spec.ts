import { SetMultimap } from './set-multimap';

describe('SetMultimap', () => {
  it('says when a key gets its first value and loses its last', () => {
    const map = new SetMultimap<string, number>();
    expect(map.add('a', 1)).toBe(true);
    expect(map.add('a', 2)).toBe(false);
    expect(map.add('b', 1)).toBe(true);
    expect([...map.get('a')]).toEqual([1, 2]);
    expect(map.delete('a', 1)).toBe(false);
    expect(map.delete('a', 3)).toBe(false);
    expect(map.delete('a', 2)).toBe(true);
    expect(map.has('a')).toBe(false);
    expect(map.get('a').size).toBe(0);
    expect([...map.keys()]).toEqual(['b']);
    expect(map.size).toBe(1);
  });

  it('lists every value once per key', () => {
    const map = new SetMultimap<string, string>();
    map.add('x', 'v');
    map.add('y', 'v');
    map.add('y', 'w');
    expect([...map.values()]).toEqual(['v', 'v', 'w']);
  });
});
