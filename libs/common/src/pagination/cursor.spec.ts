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
    encodeCursor(['2026-01-02T03:04:05.678Z', '9999999999999999999']),
    encodeCursor(['2026-01-02T03:04:05.678Z', '-5']),
    encodeCursor(['-200000', '1']),
    encodeCursor(['+275760-09-13T00:00:00.000Z', '1']),
  ])('rejects %p as BAD_USER_INPUT', (cursor) => {
    expect(() => decodeCursor(cursor, ['timestamp', 'int'])).toThrow(InvalidInputError);
  });
});
