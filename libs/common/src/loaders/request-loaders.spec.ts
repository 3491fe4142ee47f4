import { defineLoader, mapRead, readAll, RequestLoaders } from './request-loaders';

describe('RequestLoaders.read', () => {
  const batches: string[][] = [];
  const names = defineLoader<string, string>('names', (keys) => {
    batches.push([...keys]);
    return Promise.resolve(keys.map((key) => `name of ${key}`));
  });

  beforeEach(() => {
    batches.length = 0;
  });

  it('answers a seeded value at once, without a statement', () => {
    const loaders = new RequestLoaders('1');
    loaders.prime(names, '7', 'seeded');
    expect(loaders.read(names, '7')).toBe('seeded');
    expect(batches).toEqual([]);
  });

  it('loads a value not in hand, then answers it at once', async () => {
    const loaders = new RequestLoaders('1');
    const first = loaders.read(names, '7');
    expect(first).toBeInstanceOf(Promise);
    expect(await first).toBe('name of 7');
    expect(loaders.read(names, '7')).toBe('name of 7');
    expect(batches).toEqual([['7']]);
  });

  it('loads again after clear', async () => {
    const loaders = new RequestLoaders('1');
    loaders.prime(names, '7', 'seeded');
    loaders.clear(names, '7');
    expect(await loaders.read(names, '7')).toBe('name of 7');
    expect(batches).toEqual([['7']]);
  });

  it('does not keep what a load begun before clear answers', async () => {
    const loaders = new RequestLoaders('1');
    const before = loaders.read(names, '7');
    loaders.clear(names, '7');
    await before;
    expect(loaders.read(names, '7')).toBeInstanceOf(Promise);
  });

  it('keeps a failed load out of hand, so the next read asks again', async () => {
    let fail = true;
    const flaky = defineLoader<string, string>('flaky', (keys) =>
      fail ? Promise.reject(new Error('down')) : Promise.resolve(keys.map((key) => key)),
    );
    const loaders = new RequestLoaders('1');
    await expect(loaders.read(flaky, '7')).rejects.toThrow('down');
    fail = false;
    expect(await loaders.read(flaky, '7')).toBe('7');
  });

  it('maps a value in hand at once and a loading one once loaded', async () => {
    expect(mapRead(2, (n) => n * 10)).toBe(20);
    expect(await mapRead(Promise.resolve(2), (n) => n * 10)).toBe(20);
  });

  it('chains a read that answers another read, at once when both are in hand', async () => {
    expect(mapRead(2, (n) => mapRead(n + 1, (m) => m * 10))).toBe(30);
    const later = mapRead(2, (n) => mapRead(Promise.resolve(n + 1), (m) => m * 10));
    expect(later).toBeInstanceOf(Promise);
    expect(await later).toBe(30);
  });

  it('reads several values at once when each is in hand, else once all are loaded', async () => {
    expect(readAll<[number, string]>([1, 'a'])).toEqual([1, 'a']);
    const later = readAll<[number, string]>([1, Promise.resolve('a')]);
    expect(later).toBeInstanceOf(Promise);
    expect(await later).toEqual([1, 'a']);
    await expect(readAll([1, Promise.reject(new Error('down'))])).rejects.toThrow('down');
  });

  it('answers a seeded value without a load and loads what is not in hand, once', async () => {
    const batches: string[][] = [];
    const users = defineLoader<string, string>('users', (keys) => {
      batches.push([...keys]);
      return Promise.resolve(keys.map((key) => `user ${key}`));
    });
    const loaders = new RequestLoaders('1');
    loaders.prime(users, '1', 'seeded');
    expect(loaders.read(users, '1')).toBe('seeded');
    expect(await loaders.load(users, '1')).toBe('seeded');
    expect(await readAll([loaders.read(users, '2'), loaders.read(users, '3')])).toEqual([
      'user 2',
      'user 3',
    ]);
    expect(loaders.read(users, '2')).toBe('user 2');
    expect(batches).toEqual([['2', '3']]);
  });
});
