import { SEE_IT_TARGETS, SeeItTarget } from '../see-it.enums';

/** What a link opens: a show (tuned to a channel when it has one) or a broadcast. */
export type LinkSubject =
  { kind: 'show'; slug: string; channel: string | null } | { kind: 'broadcast'; id: string };

export interface LinkConfig {
  publicUrl: string;
  appScheme: string;
}

export interface DeepLink {
  target: SeeItTarget;
  url: string;
}

function query(subject: LinkSubject): string {
  const params: [string, string][] = [];
  if (subject.kind === 'broadcast') params.push(['broadcast', subject.id]);
  else {
    params.push(['show', subject.slug]);
    if (subject.channel) params.push(['channel', subject.channel]);
  }
  return params.map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join('&');
}

/**
 * `<scheme>://tv|tablet|mobile/watch?…` for the apps, `<PUBLIC_URL>/watch?…` for the web, with
 * `show=<slug>[&channel=<channel>]` or `broadcast=<Broadcast id>` (the API's global id). The
 * docs/api.md documents these formats for the app developers who route them.
 */
export function deepLink(config: LinkConfig, target: SeeItTarget, subject: LinkSubject): string {
  const path =
    target === SeeItTarget.WEB
      ? `${config.publicUrl}/watch`
      : `${config.appScheme}://${target.toLowerCase()}/watch`;
  return `${path}?${query(subject)}`;
}

/** One link per target, always in the order TV, TABLET, MOBILE, WEB. */
export function deepLinks(config: LinkConfig, subject: LinkSubject): DeepLink[] {
  return SEE_IT_TARGETS.map((target) => ({ target, url: deepLink(config, target, subject) }));
}
