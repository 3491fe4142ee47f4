import { RecentlyUsed } from './recently-used';

describe('RecentlyUsed', () => {
  it('forgets the least recently used entry to make room', () => {
    const recent = new RecentlyUsed<string, number>(2);
    recent.set('a', 1);
    recent.set('b', 2);
    expect(recent.get('a')).toBe(1);
    recent.set('c', 3);
    expect(recent.get('b')).toBeUndefined();
    expect(recent.get('a')).toBe(1);
    expect(recent.get('c')).toBe(3);
    expect(recent.size).toBe(2);
  });

  it('replaces a key without forgetting another', () => {
    const recent = new RecentlyUsed<string, number>(2);
    recent.set('a', 1);
    recent.set('b', 2);
    recent.set('a', 3);
    expect(recent.get('a')).toBe(3);
    expect(recent.get('b')).toBe(2);
    recent.delete('a');
    expect(recent.get('a')).toBeUndefined();
    expect(recent.size).toBe(1);
  });

  it('keeps a stored false or zero', () => {
    const recent = new RecentlyUsed<string, number | false>(1);
    recent.set('a', false);
    expect(recent.get('a')).toBe(false);
    recent.set('a', 0);
    expect(recent.get('a')).toBe(0);
  });

  it('refuses a capacity below one', () => {
    expect(() => new RecentlyUsed(0)).toThrow(RangeError);
  });
});
