import { SeeItTarget } from '../see-it.enums';
import { deepLink, deepLinks } from './deep-links';

describe('deep links', () => {
  const config = { publicUrl: 'https://seeit.example', appScheme: 'seeit' };

  it('gives one link per target, in order, for a show on a channel', () => {
    expect(deepLinks(config, { kind: 'show', slug: 'the-show', channel: 'NBC' })).toEqual([
      { target: SeeItTarget.TV, url: 'seeit://tv/watch?show=the-show&channel=NBC' },
      { target: SeeItTarget.TABLET, url: 'seeit://tablet/watch?show=the-show&channel=NBC' },
      { target: SeeItTarget.MOBILE, url: 'seeit://mobile/watch?show=the-show&channel=NBC' },
      { target: SeeItTarget.WEB, url: 'https://seeit.example/watch?show=the-show&channel=NBC' },
    ]);
  });

  it('leaves the channel out when the show has none to tune to', () => {
    expect(deepLink(config, SeeItTarget.TV, { kind: 'show', slug: 'ab', channel: null })).toBe(
      'seeit://tv/watch?show=ab',
    );
  });

  it('encodes channel names', () => {
    const subject = { kind: 'show' as const, slug: 'ab', channel: 'BBC One & Two/HD' };
    expect(deepLink(config, SeeItTarget.WEB, subject)).toBe(
      'https://seeit.example/watch?show=ab&channel=BBC%20One%20%26%20Two%2FHD',
    );
  });

  it('names a broadcast by its global id, under the configured scheme and URL', () => {
    const other = { publicUrl: 'http://localhost:3000/app', appScheme: 'my.tv-app' };
    const subject = { kind: 'broadcast' as const, id: 'QnJvYWRjYXN0OjQy' };
    expect(deepLink(other, SeeItTarget.MOBILE, subject)).toBe(
      'my.tv-app://mobile/watch?broadcast=QnJvYWRjYXN0OjQy',
    );
    expect(deepLink(other, SeeItTarget.WEB, subject)).toBe(
      'http://localhost:3000/app/watch?broadcast=QnJvYWRjYXN0OjQy',
    );
  });
});
