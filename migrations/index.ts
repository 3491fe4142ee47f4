import { Initial1763700000000 } from './1763700000000-initial';
import { AccountSuspension1763700000001 } from './1763700000001-account-suspension';
import { TimelineUpdates1763700000003 } from './1763700000003-timeline-updates';

/** Every migration, in order. The service runs pending ones at start. */
export const migrations = [
  Initial1763700000000,
  AccountSuspension1763700000001,
  TimelineUpdates1763700000003,
];
