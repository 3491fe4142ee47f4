import { hashDeviceToken, isDeviceTokenShaped, newDeviceToken } from './device-token';

describe('device tokens', () => {
  it('are 32 random bytes in base64url, different every time', () => {
    const [a, b] = [newDeviceToken(), newDeviceToken()];
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(isDeviceTokenShaped(a)).toBe(true);
    expect(a).not.toBe(b);
  });

  it('are stored as their SHA-256, never as themselves', () => {
    const token = newDeviceToken();
    expect(hashDeviceToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashDeviceToken(token)).not.toContain(token);
    expect(hashDeviceToken(token)).toBe(hashDeviceToken(token));
  });

  it.each([undefined, null, 42, '', 'short', `${'a'.repeat(43)}!`, 'a'.repeat(44)])(
    'refuses %p before any lookup',
    (value) => {
      expect(isDeviceTokenShaped(value)).toBe(false);
    },
  );
});
