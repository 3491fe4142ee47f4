import { createSecretKey, KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { isDatabaseId } from '@app/common';

/**
 * The bearer-token check of the peer servers: seeit's token (HS256, `sub` = user id, `exp`),
 * verified with a key object made once. Returns the viewer's id, or undefined when the token
 * is missing or not valid. Whether the account is still active is each peer's SQL's business,
 * as it is seeit's.
 */
export class BearerCheck {
  private readonly key: KeyObject;

  constructor(secret: string) {
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  viewerOf(authorization: string | undefined): string | undefined {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match) return undefined;
    try {
      const claims = jwt.verify(match[1], this.key, { algorithms: ['HS256'] });
      if (typeof claims === 'string' || typeof claims.exp !== 'number') return undefined;
      return typeof claims.sub === 'string' && isDatabaseId(claims.sub) ? claims.sub : undefined;
    } catch {
      return undefined;
    }
  }
}
