import { InvalidInputError } from '../errors/domain-errors';
import { decodeCursor, encodeCursor, keysetCondition } from './cursor';

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

describe('keysetCondition', () => {
  it('is empty without a cursor and leaves the parameters alone', () => {
    const params: unknown[] = ['x'];
    expect(keysetCondition(undefined, [{ sql: 'id', part: 'int' }], 'DESC', params)).toBe('');
    expect(params).toEqual(['x']);
  });

  it('compares rows after the cursor with typed placeholders appended to the parameters', () => {
    const params: unknown[] = ['owner', 21];
    const after = encodeCursor(['2026-01-02T03:04:05.678Z', '17']);
    const columns = [
      { sql: 'p.created_at', part: 'timestamp' as const },
      { sql: 'p.id', part: 'int' as const },
    ];
    expect(keysetCondition(after, columns, 'DESC', params)).toBe(
      '(p.created_at, p.id) < ($3::timestamptz, $4::bigint)',
    );
    expect(params).toEqual(['owner', 21, '2026-01-02T03:04:05.678Z', '17']);
    expect(keysetCondition(encodeCursor(['5']), [{ sql: 'n.id', part: 'int' }], 'ASC', [])).toBe(
      'n.id > $1::bigint',
    );
  });

  it('refuses a cursor of another shape as BAD_USER_INPUT', () => {
    expect(() =>
      keysetCondition(
        encodeCursor(['5']),
        [
          { sql: 'a', part: 'int' },
          { sql: 'b', part: 'int' },
        ],
        'ASC',
        [],
      ),
    ).toThrow(InvalidInputError);
  });
});
