import { Logger } from '@nestjs/common';
import { NotFoundError } from '@app/common';
import { AppConfig } from '@app/config';
import { BroadcastsService } from '../broadcasts.service';
import { playbackName } from '../playback-name';
import { MediaHook, MediaHooksService } from './media-hooks.service';

const SECRET = 'the-hook-secret';

/** BroadcastsService's stream-key transitions over an in-memory table (ids from 100 up). */
class FakeBroadcasts {
  readonly status = new Map<string, string>();
  private readonly ids = new Map<string, string>();
  failEnds = false;
  failStarts = false;

  idOf(key: string): string {
    if (!this.ids.has(key)) this.ids.set(key, String(100 + this.ids.size));
    return this.ids.get(key)!;
  }

  startByStreamKey(key: string): Promise<{ id: string }> {
    if (this.failStarts) return Promise.reject(new Error('database down'));
    const status = this.status.get(key);
    if (status !== 'SCHEDULED' && status !== 'LIVE') {
      return Promise.reject(new NotFoundError('The broadcast'));
    }
    this.status.set(key, 'LIVE');
    return Promise.resolve({ id: this.idOf(key) });
  }

  endByStreamKey(key: string): Promise<{ id: string }> {
    if (this.failEnds) return Promise.reject(new Error('database down'));
    if (!this.status.has(key)) return Promise.reject(new NotFoundError('The broadcast'));
    if (this.status.get(key) === 'LIVE') this.status.set(key, 'ENDED');
    return Promise.resolve({ id: this.idOf(key) });
  }

  streamKeyOf(id: string): Promise<string | undefined> {
    const key = [...this.status.keys()].find((k) => this.ids.get(k) === id);
    return Promise.resolve(key);
  }

  /** The playback name nginx publishes a key's stream under. */
  nameOf(key: string): string {
    return playbackName(this.idOf(key), SECRET);
  }
}

function setup(graceSeconds = 15) {
  const broadcasts = new FakeBroadcasts();
  const config = { media: { hookSecret: SECRET, publishDoneGraceSeconds: graceSeconds } };
  const service = new MediaHooksService(
    broadcasts as unknown as BroadcastsService,
    config as unknown as AppConfig,
  );
  return { broadcasts, service };
}

const call = (name: unknown, clientid = '1'): MediaHook => ({
  secret: SECRET,
  fields: { app: 'live', addr: '203.0.113.7', clientid, name },
  mediaServer: '127.0.0.1',
});

describe('MediaHooksService', () => {
  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('refuses calls without the right secret, and malformed stream names', async () => {
    const { broadcasts, service } = setup();
    broadcasts.status.set('key', 'SCHEDULED');
    for (const secret of [undefined, '', 'wrong', [SECRET, SECRET], `${SECRET}x`]) {
      const hook = { ...call('key'), secret };
      expect(await service.publish(hook)).toEqual({ accepted: false });
      expect(await service.publishDone(hook)).toEqual({ accepted: false });
    }
    // Publish URL arguments can repeat `name` in the form: never pick one of them.
    expect(await service.publish(call(['key', 'other']))).toEqual({ accepted: false });
    expect(await service.publish(call('../key'))).toEqual({ accepted: false });
    expect(broadcasts.status.get('key')).toBe('SCHEDULED');
  });

  it('starts the broadcast of a valid key and refuses unknown, ended and canceled ones', async () => {
    const { broadcasts, service } = setup();
    broadcasts.status.set('scheduled', 'SCHEDULED');
    broadcasts.status.set('ended', 'ENDED');
    broadcasts.status.set('canceled', 'CANCELED');
    expect(await service.publish(call('scheduled'))).toEqual({
      accepted: true,
      playbackName: broadcasts.nameOf('scheduled'),
    });
    expect(broadcasts.status.get('scheduled')).toBe('LIVE');
    for (const key of ['unknown', 'ended', 'canceled']) {
      expect(await service.publish(call(key))).toEqual({ accepted: false });
    }
  });

  it('answers the public playback name, never the key, and refuses that name as a key', async () => {
    const { broadcasts, service } = setup();
    broadcasts.status.set('k3y_-A', 'LIVE');
    const name = broadcasts.nameOf('k3y_-A');
    expect(name).toMatch(/^\d+-[A-Za-z0-9_-]{16}$/);
    expect(name).not.toContain('k3y_-A');
    expect(await service.publish(call('k3y_-A'))).toEqual({ accepted: true, playbackName: name });
    // Viewers know the name: publishing with it must not take over the broadcast.
    expect(await service.publish(call(name, '2'))).toEqual({ accepted: false });
  });

  it('ends the broadcast once the grace has passed without a new publish', async () => {
    const { broadcasts, service } = setup(15);
    broadcasts.status.set('key', 'LIVE');
    await service.publish(call('key'));
    expect(await service.publishDone(call('key'))).toEqual({ accepted: true });
    await jest.advanceTimersByTimeAsync(14_900);
    expect(broadcasts.status.get('key')).toBe('LIVE');
    await jest.advanceTimersByTimeAsync(200);
    expect(broadcasts.status.get('key')).toBe('ENDED');
    expect(service.pendingEndCount).toBe(0);
    // Ended is final: the encoder coming back is refused.
    expect(await service.publish(call('key', '2'))).toEqual({ accepted: false });
  });

  it('keeps the broadcast when the same key publishes again within the grace', async () => {
    const { broadcasts, service } = setup(15);
    broadcasts.status.set('key', 'LIVE');
    await service.publish(call('key', '1'));
    await service.publishDone(call('key', '1'));
    await jest.advanceTimersByTimeAsync(10_000);
    expect(await service.publish(call('key', '2'))).toMatchObject({ accepted: true });
    await jest.advanceTimersByTimeAsync(60_000);
    expect(broadcasts.status.get('key')).toBe('LIVE');
    expect(service.pendingEndCount).toBe(0);
  });

  it('still ends the broadcast when a re-publish within the grace fails', async () => {
    const { broadcasts, service } = setup(15);
    broadcasts.status.set('key', 'LIVE');
    await service.publish(call('key', '1'));
    await service.publishDone(call('key', '1'));
    broadcasts.failStarts = true;
    await expect(service.publish(call('key', '2'))).rejects.toThrow('database down');
    expect(service.pendingEndCount).toBe(1);
    await jest.advanceTimersByTimeAsync(15_000);
    expect(broadcasts.status.get('key')).toBe('ENDED');
  });

  it('takes publish-done by playback name too: it counts and ends the same broadcast', async () => {
    const { broadcasts, service } = setup(1);
    broadcasts.status.set('key', 'LIVE');
    const name = broadcasts.nameOf('key');
    await service.publish(call('key', '1'));
    await service.publish(call('key', '2'));
    expect(await service.publishDone(call(name, '2'))).toEqual({ accepted: true });
    await jest.advanceTimersByTimeAsync(5_000);
    expect(broadcasts.status.get('key')).toBe('LIVE');
    expect(await service.publishDone(call(name, '1'))).toEqual({ accepted: true });
    // A reconnect with the key cancels the end the name scheduled.
    expect(await service.publish(call('key', '3'))).toEqual({ accepted: true, playbackName: name });
    await jest.advanceTimersByTimeAsync(5_000);
    expect(broadcasts.status.get('key')).toBe('LIVE');
    await service.publishDone(call('key', '3'));
    await jest.advanceTimersByTimeAsync(1_000);
    expect(broadcasts.status.get('key')).toBe('ENDED');
  });

  it('ends nothing for the playback name of a broadcast that is gone, or a forged one', async () => {
    const { broadcasts, service } = setup(0);
    broadcasts.status.set('key', 'LIVE');
    const name = broadcasts.nameOf('key');
    await service.publish(call('key'));
    broadcasts.status.delete('key');
    expect(await service.publishDone(call(name))).toEqual({ accepted: true });
    broadcasts.status.set('key', 'LIVE');
    const forged = playbackName(broadcasts.idOf('key'), 'another-secret');
    expect(await service.publishDone(call(forged))).toEqual({ accepted: true });
    expect(broadcasts.status.get('key')).toBe('LIVE');
    expect(service.pendingEndCount).toBe(0);
  });

  it('ignores the end of a second publisher that nginx turned away while the first goes on', async () => {
    const { broadcasts, service } = setup(1);
    broadcasts.status.set('key', 'LIVE');
    await service.publish(call('key', '1'));
    await service.publish(call('key', '2'));
    await service.publishDone(call('key', '2'));
    await jest.advanceTimersByTimeAsync(5_000);
    expect(broadcasts.status.get('key')).toBe('LIVE');
    await service.publishDone(call('key', '1'));
    await jest.advanceTimersByTimeAsync(1_000);
    expect(broadcasts.status.get('key')).toBe('ENDED');
  });

  it('ends at once with no grace, and logs a failed end instead of throwing from a timer', async () => {
    const { broadcasts, service } = setup(0);
    broadcasts.status.set('key', 'LIVE');
    await service.publish(call('key'));
    await service.publishDone(call('key'));
    expect(broadcasts.status.get('key')).toBe('ENDED');

    const delayed = setup(1);
    delayed.broadcasts.status.set('key', 'LIVE');
    delayed.broadcasts.failEnds = true;
    await delayed.service.publish(call('key'));
    await delayed.service.publishDone(call('key'));
    await jest.advanceTimersByTimeAsync(1_000);
    expect(delayed.broadcasts.status.get('key')).toBe('LIVE');
  });

  it('drops pending ends when the module stops', async () => {
    const { broadcasts, service } = setup(1);
    broadcasts.status.set('key', 'LIVE');
    await service.publish(call('key'));
    await service.publishDone(call('key'));
    expect(service.pendingEndCount).toBe(1);
    service.onModuleDestroy();
    expect(service.pendingEndCount).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('logs the first refusal of a kind, then one line per minute with how many more came', async () => {
    const warnings: string[] = [];
    const warn = jest
      .spyOn(Logger.prototype, 'warn')
      .mockImplementation((message: unknown) => void warnings.push(String(message)));
    try {
      const { service } = setup();
      for (let i = 0; i < 20; i += 1) await service.publish({ ...call('key'), secret: 'wrong' });
      await service.publish(call('../key'));
      expect(warnings).toEqual([
        'Refused publish hook from 203.0.113.7: wrong or missing secret',
        'Refused publish hook from 203.0.113.7: malformed stream name',
      ]);
      await jest.advanceTimersByTimeAsync(60_000);
      expect(warnings.slice(2)).toEqual([
        'Refused publish hooks (wrong or missing secret): 19 more in the last 60 s',
      ]);
      await service.publish({ ...call('key'), secret: 'wrong' });
      expect(warnings).toHaveLength(4);
    } finally {
      warn.mockRestore();
    }
  });
});
