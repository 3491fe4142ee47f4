import { BroadcastStatus } from '@app/broadcasts';
import { SeeItStatus } from '../see-it.enums';
import { broadcastStatus, showChannel, showStatus } from './see-it-status';

describe('See it status', () => {
  const airing = (channel: string) => ({ channel });

  it.each([
    [{ current: airing('A'), next: airing('B'), aired: true }, SeeItStatus.LIVE],
    [{ current: null, next: airing('B'), aired: true }, SeeItStatus.UPCOMING],
    [{ current: null, next: null, aired: true }, SeeItStatus.ON_DEMAND],
    [{ current: null, next: null, aired: false }, SeeItStatus.ENDED],
  ])('a show with %p is %s', (schedule, status) => {
    expect(showStatus(schedule)).toBe(status);
  });

  it('tunes a show to the channel it is on, else the next one, else none', () => {
    expect(showChannel({ current: airing('A'), next: airing('B'), aired: false })).toBe('A');
    expect(showChannel({ current: null, next: airing('B'), aired: false })).toBe('B');
    expect(showChannel({ current: null, next: null, aired: true })).toBeNull();
  });

  it.each([
    [BroadcastStatus.LIVE, false, SeeItStatus.LIVE],
    [BroadcastStatus.SCHEDULED, false, SeeItStatus.UPCOMING],
    [BroadcastStatus.ENDED, true, SeeItStatus.ON_DEMAND],
    [BroadcastStatus.ENDED, false, SeeItStatus.ENDED],
    [BroadcastStatus.CANCELED, false, SeeItStatus.ENDED],
  ])('a %s broadcast (replay: %s) is %s', (status, replay, seeIt) => {
    expect(broadcastStatus(status, replay)).toBe(seeIt);
  });
});
