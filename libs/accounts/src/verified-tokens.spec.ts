import { createSecretKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { VerifiedTokens } from './verified-tokens';

const key = createSecretKey(Buffer.from('a secret of the test', 'utf8'));
const sign = (claims: object) => jwt.sign(claims, key, { algorithm: 'HS256' });
const now = () => Math.floor(Date.now() / 1000);

describe('VerifiedTokens', () => {
  it('gives the claims of a valid token, again when it is sent again', () => {
    const tokens = new VerifiedTokens(key);
    const exp = now() + 60;
    const token = sign({ sub: '42', exp });
    expect(tokens.check(token)).toEqual({ claims: { sub: '42', exp } });
    expect(tokens.check(token)).toEqual({ claims: { sub: '42', exp } });
  });

  it('refuses a remembered token once it has expired', async () => {
    const tokens = new VerifiedTokens(key);
    const exp = now() + 1;
    const token = sign({ sub: '42', exp });
    expect(tokens.check(token)).toEqual({ claims: { sub: '42', exp } });
    await new Promise((resolve) => setTimeout(resolve, (exp - Date.now() / 1000) * 1000 + 50));
    expect(tokens.check(token)).toEqual({ problem: 'expired' });
    expect(tokens.check(token)).toEqual({ problem: 'expired' });
  });

  it('refuses tokens signed with another key, without exp or sub, and keeps refusing them', () => {
    const tokens = new VerifiedTokens(key);
    const forged = jwt.sign({ sub: '42', exp: now() + 60 }, 'another secret', {
      algorithm: 'HS256',
    });
    for (const token of [forged, sign({ sub: '42' }), sign({ exp: now() + 60 })]) {
      expect(tokens.check(token)).toEqual({ problem: 'invalid' });
      expect(tokens.check(token)).toEqual({ problem: 'invalid' });
    }
  });
});
