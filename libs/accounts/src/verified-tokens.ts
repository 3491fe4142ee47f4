import { KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { RecentlyUsed } from '@app/common';

/** What a verified token says: who, and until when (seconds since the epoch). */
export interface VerifiedClaims {
  readonly sub: string;
  readonly exp: number;
}

export type TokenCheck = { claims: VerifiedClaims } | { problem: 'expired' | 'invalid' };

/** Tokens remembered at most; the least recently used is forgotten first. */
const MAX_REMEMBERED = 10_000;

/**
 * Checks HS256 bearer tokens and remembers the claims of the ones that passed: a client sends the
 * same token with every request, and the same bytes under the same key always verify the same, so
 * only the expiry is checked again. A token that fails is never remembered.
 */
export class VerifiedTokens {
  private readonly remembered = new RecentlyUsed<string, VerifiedClaims>(MAX_REMEMBERED);

  constructor(private readonly key: KeyObject) {}

  check(token: string): TokenCheck {
    const known = this.remembered.get(token);
    if (known) {
      // jsonwebtoken's own rule: expired from the second `exp` names.
      if (Math.floor(Date.now() / 1000) < known.exp) return { claims: known };
      this.remembered.delete(token);
      return { problem: 'expired' };
    }
    let decoded: string | jwt.JwtPayload;
    try {
      decoded = jwt.verify(token, this.key, { algorithms: ['HS256'] });
    } catch (error) {
      return { problem: error instanceof jwt.TokenExpiredError ? 'expired' : 'invalid' };
    }
    // Tokens this service issues always carry both; a signed token without them is not one of its.
    if (
      typeof decoded === 'string' ||
      typeof decoded.exp !== 'number' ||
      typeof decoded.sub !== 'string'
    ) {
      return { problem: 'invalid' };
    }
    const claims: VerifiedClaims = { sub: decoded.sub, exp: decoded.exp };
    this.remembered.set(token, claims);
    return { claims };
  }
}
