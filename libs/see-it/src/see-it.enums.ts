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

registerEnumType(SeeItTarget, { name: 'SeeItTarget' });
registerEnumType(SeeItStatus, { name: 'SeeItStatus' });
registerEnumType(SeeItAction, {
  name: 'SeeItAction',
  valuesMap: { LATER: { description: 'Save to the watch-later list.' } },
});

/** The target an action opens on; none for LATER, which only saves. */
export function targetOf(action: SeeItAction): SeeItTarget | null {
  return action === SeeItAction.LATER ? null : SeeItTarget[action];
}
