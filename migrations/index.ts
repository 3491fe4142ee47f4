import { Initial1763700000000 } from './1763700000000-initial';
import { AccountSuspension1763700000001 } from './1763700000001-account-suspension';
import { Broadcasts1763700000002 } from './1763700000002-broadcasts';
import { TimelineUpdates1763700000003 } from './1763700000003-timeline-updates';
import { Notifications1763700000004 } from './1763700000004-notifications';
import { SeeIt1763700000005 } from './1763700000005-see-it';
import { Reports1763700000006 } from './1763700000006-reports';
import { AdminBootstrapGrants1763700000007 } from './1763700000007-admin-bootstrap-grants';
import { MediaPendingEnds1763700000009 } from './1763700000009-media-pending-ends';
import { Replays1796090000000 } from './1796090000000-replays';
import { ScreenPairingCodes1796100000000 } from './1796100000000-screen-pairing-codes';
import { TimelineLogPositions1796120000000 } from './1796120000000-timeline-log-positions';

/** Every migration, in order. The service runs pending ones at start. */
export const migrations = [
  Initial1763700000000,
  AccountSuspension1763700000001,
  Broadcasts1763700000002,
  TimelineUpdates1763700000003,
  Notifications1763700000004,
  SeeIt1763700000005,
  Reports1763700000006,
  AdminBootstrapGrants1763700000007,
  MediaPendingEnds1763700000009,
  Replays1796090000000,
  ScreenPairingCodes1796100000000,
  TimelineLogPositions1796120000000,
];
