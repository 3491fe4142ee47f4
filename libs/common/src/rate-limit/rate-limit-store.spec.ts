import { MemoryRateLimitStore } from './rate-limit-store';

describe('MemoryRateLimitStore', () => {
  it('counts per key in a fixed window that starts with the first attempt', async () => {
    let now = 1_000_000;
    const store = new MemoryRateLimitStore(() => now);
    expect(await store.hit('a', 60_000)).toEqual({ count: 1, resetsInMs: 60_000 });
    now += 15_000;
    expect(await store.hit('a', 60_000)).toEqual({ count: 2, resetsInMs: 45_000 });
    expect(await store.hit('b', 60_000)).toEqual({ count: 1, resetsInMs: 60_000 });
    now += 45_000;
    expect(await store.hit('a', 60_000)).toEqual({ count: 1, resetsInMs: 60_000 });
    await store.reset('a');
    expect((await store.hit('a', 60_000)).count).toBe(1);
  });
});
