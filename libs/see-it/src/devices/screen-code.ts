import { randomInt } from 'node:crypto';
import { hashDeviceToken } from './device-token';

/**
 * Letters and digits a person cannot confuse on a TV across the room: no 0/O, 1/I/L, 2/Z, 5/S,
 * 8/B, U/V. 8 of them: 23^8 ≈ 8·10^10 codes, against at most a few thousand live ones and guesses
 * limited by pairDevice's rate limit per account.
 */
const ALPHABET = 'ACDEFGHJKMNPQRTWXY34679';
const LENGTH = 8;

/** A new code, shown as ABCD-EFGH, and its hash. */
export function newScreenCode(): { code: string; codeHash: string } {
  const chars = Array.from({ length: LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]);
  return {
    code: `${chars.slice(0, 4).join('')}-${chars.slice(4).join('')}`,
    codeHash: hashDeviceToken(chars.join('')),
  };
}

/**
 * The code as stored (its hash), from what a person typed: case, spaces and dashes do not matter.
 * Undefined when it cannot be a code at all.
 */
export function screenCodeHash(typed: string): string | undefined {
  const code = typed.toUpperCase().replace(/[\s-]/g, '');
  if (code.length !== LENGTH || [...code].some((char) => !ALPHABET.includes(char))) {
    return undefined;
  }
  return hashDeviceToken(code);
}
