import { hashDeviceToken } from './device-token';
import { newScreenCode, screenCodeHash } from './screen-code';

describe('screen codes', () => {
  it('are 8 characters of the unambiguous alphabet, shown as ABCD-EFGH, with their hash', () => {
    for (let i = 0; i < 200; i += 1) {
      const { code, codeHash } = newScreenCode();
      expect(code).toMatch(/^[ACDEFGHJKMNPQRTWXY34679]{4}-[ACDEFGHJKMNPQRTWXY34679]{4}$/);
      expect(codeHash).toBe(hashDeviceToken(code.replace('-', '')));
      expect(screenCodeHash(code)).toBe(codeHash);
    }
  });

  it('read what a person typed whatever the case, spaces and dashes', () => {
    const hash = screenCodeHash('HJKM-3479');
    expect(screenCodeHash('hjkm3479')).toBe(hash);
    expect(screenCodeHash(' hj km - 34 79 ')).toBe(hash);
  });

  it('refuse what cannot be a code: wrong length, or a character left out of the alphabet', () => {
    for (const typed of ['', 'HJKM-347', 'HJKM-34799', 'HJKM-3470', 'OIL1-BSZ2', 'HJKM_3479']) {
      expect(screenCodeHash(typed)).toBeUndefined();
    }
  });
});
