import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes, base64url: the secret a paired screen presents in connection_init. */
export function newDeviceToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Whether a value can be a device token at all, before it is hashed and looked up. */
export function isDeviceTokenShaped(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value);
}

/** What is stored: a fast hash is enough for a random 256-bit secret (nothing to brute-force). */
export function hashDeviceToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
