import { InvalidInputError } from '../errors/domain-errors';
import { decodeCursor, encodeCursor } from './cursor';

describe('cursors', () => {
  it('round-trips a keyset', () => {
    const at = '2026-01-02T03:04:05.678Z';
    expect(decodeCursor(encodeCursor([at, '17']), ['timestamp', 'int'])).toEqual([at, '17']);
  });

  it.each([
    'garbage!',
    encodeCursor(['x']),
    encodeCursor(['2026-01-02T03:04:05.678Z', 'one']),
    Buffer.from('{"a":1}').toString('base64url'),
  ])('rejects %p as BAD_USER_INPUT', (cursor) => {
    expect(() => decodeCursor(cursor, ['timestamp', 'int'])).toThrow(InvalidInputError);
  });
});
