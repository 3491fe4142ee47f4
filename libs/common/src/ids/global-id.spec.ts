import { InvalidInputError } from '../errors/domain-errors';
import { decodeGlobalId, parseGlobalId, parseOptionalGlobalId, toGlobalId } from './global-id';

describe('global ids', () => {
  it('round-trips a type and a database id', () => {
    const id = toGlobalId('Post', '42');
    expect(id).not.toContain('Post');
    expect(decodeGlobalId(id)).toEqual({ type: 'Post', id: '42' });
    expect(parseGlobalId(id, 'Post')).toBe('42');
  });

  it.each([
    '',
    'not base64!',
    toGlobalId('Post', '0'),
    Buffer.from('Post:abc').toString('base64url'),
    'x'.repeat(100),
  ])('rejects the malformed id %p', (id) => {
    expect(() => parseGlobalId(id, 'Post')).toThrow(InvalidInputError);
  });

  it('rejects an id of another type, naming the field', () => {
    expect(() => parseGlobalId(toGlobalId('User', '1'), 'Post', 'replyToId')).toThrow(
      'replyToId: is not a valid Post id',
    );
  });

  it('takes only null and undefined for a missing optional id; an empty one is malformed', () => {
    expect(parseOptionalGlobalId(null, 'Post')).toBeUndefined();
    expect(parseOptionalGlobalId(undefined, 'Post')).toBeUndefined();
    expect(parseOptionalGlobalId(toGlobalId('Post', '7'), 'Post')).toBe('7');
    expect(() => parseOptionalGlobalId('', 'Post', 'replyToId')).toThrow(
      'replyToId: is not a valid Post id',
    );
  });
});
