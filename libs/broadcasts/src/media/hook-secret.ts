import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Whether the secret a hook call carried is the configured one. Both sides are hashed first so
 * the comparison takes the same time whatever the length of the guess: timingSafeEqual alone
 * needs equal lengths and would leak the secret's length by refusing early.
 */
export function hookSecretMatches(given: unknown, expected: string): boolean {
  if (typeof given !== 'string' || given === '') return false;
  return timingSafeEqual(digest(given), digest(expected));
}
