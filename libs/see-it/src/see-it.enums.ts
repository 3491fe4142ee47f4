import { registerEnumType } from '@nestjs/graphql';

/** The kinds of screen a See it link opens on; a paired device is one of them. */
export enum SeeItTarget {
  TV = 'TV',
  TABLET = 'TABLET',
  MOBILE = 'MOBILE',
  WEB = 'WEB',
}

export enum SeeItStatus {
  LIVE = 'LIVE',
  UPCOMING = 'UPCOMING',
  ON_DEMAND = 'ON_DEMAND',
  ENDED = 'ENDED',
}

/** What a tap asks for: one of the targets, or saving for later. */
export enum SeeItAction {
  TV = 'TV',
  TABLET = 'TABLET',
  MOBILE = 'MOBILE',
  WEB = 'WEB',
  LATER = 'LATER',
}

export const SEE_IT_TARGETS: readonly SeeItTarget[] = Object.values(SeeItTarget);
export const SEE_IT_ACTIONS: readonly SeeItAction[] = Object.values(SeeItAction);

registerEnumType(SeeItTarget, {
  name: 'SeeItTarget',
  description: 'A kind of screen a See it link opens on; a paired device is one of them.',
  valuesMap: {
    TV: { description: 'A television app.' },
    TABLET: { description: 'A tablet app.' },
    MOBILE: { description: 'A phone app.' },
    WEB: { description: 'A web browser.' },
  },
});
registerEnumType(SeeItStatus, {
  name: 'SeeItStatus',
  description: 'Whether what a See it button refers to can be watched now.',
  valuesMap: {
    LIVE: { description: 'On now: a live broadcast, or a show with an airing on.' },
    UPCOMING: { description: 'Not yet: a scheduled broadcast, or a show with an airing ahead.' },
    ON_DEMAND: { description: 'Over, and watchable: a replay, or a show that has aired.' },
    ENDED: { description: 'Over, and nothing to watch: no replay, canceled, or never aired.' },
  },
});
registerEnumType(SeeItAction, {
  name: 'SeeItAction',
  description: 'What a See it tap asks for: open on a kind of screen, or save for later.',
  valuesMap: {
    TV: { description: 'Open on a television (or send to a paired TV).' },
    TABLET: { description: 'Open on a tablet (or send to a paired tablet).' },
    MOBILE: { description: 'Open on a phone (or send to a paired phone).' },
    WEB: { description: 'Open in a web browser.' },
    LATER: { description: 'Save to the watch-later list.' },
  },
});

/** The target an action opens on; none for LATER, which only saves. */
export function targetOf(action: SeeItAction): SeeItTarget | null {
  return action === SeeItAction.LATER ? null : SeeItTarget[action];
}
