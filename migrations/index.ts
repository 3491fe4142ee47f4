import { Initial1763700000000 } from './1763700000000-initial';

/** Every migration, in order. The service runs pending ones at start. */
export const migrations = [Initial1763700000000];
