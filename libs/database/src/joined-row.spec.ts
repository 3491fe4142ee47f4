import { joinedRowSql, prefixedColumns, readJoinedRow } from './joined-row';
import { columnPositions, PositionalRow } from './positional-row';

describe('joined rows', () => {
  it('select an owner’s columns under a prefix, aliased by the prefix', () => {
    expect(prefixedColumns('p.id, p.author_id,\n  p.text', 'post__')).toBe(
      'p.id AS post__id, p.author_id AS post__author_id, p.text AS post__text',
    );
    expect(joinedRowSql('p.id', 'post__', 'posts p', 'p.id = x.post_id')).toMatch(
      /^LEFT JOIN LATERAL \(SELECT p\.id AS post__id\s+FROM posts p WHERE p\.id = x\.post_id\) post ON true$/,
    );
  });

  it('read back only their own columns, and nothing when the row was missing', () => {
    const row = { post__id: '7', post__text: 'hi', postscript: 'x', other__id: '9' };
    const columns = 'p.id, p.text';
    expect(readJoinedRow(row, columns, 'post__', 'id', (record) => record)).toEqual({
      id: '7',
      text: 'hi',
    });
    expect(
      readJoinedRow({ post__id: null }, columns, 'post__', 'id', () => 'found'),
    ).toBeUndefined();
    // The same columns under another prefix are another row.
    expect(
      readJoinedRow({ other__id: '9', other__text: 'yo' }, columns, 'other__', 'id', (r) => r),
    ).toEqual({
      id: '9',
      text: 'yo',
    });
  });

  it('read back the same from a row by position, whatever the order of its columns', () => {
    const positions = columnPositions(['other__id', 'post__text', 'head', 'post__id']);
    const row = new PositionalRow(['9', 'hi', 'h', '7'], positions);
    expect(readJoinedRow(row, 'p.id, p.text', 'post__', 'id', (record) => record)).toEqual({
      id: '7',
      text: 'hi',
    });
    const missing = new PositionalRow([null, null, 'h', null], positions);
    expect(readJoinedRow(missing, 'p.id, p.text', 'post__', 'id', () => 'found')).toBeUndefined();
    expect(row.get('head')).toBe('h');
    expect(() => row.get('post__author_id')).toThrow('The statement has no column post__author_id');
    expect(() => readJoinedRow(row, 'p.id, p.author_id', 'post__', 'id', (r) => r)).toThrow(
      'The statement has no column post__author_id',
    );
  });

  it('refuse a key column outside the column list', () => {
    expect(() => readJoinedRow({ post__id: '7' }, 'p.text', 'post__', 'id', (r) => r)).toThrow(
      'id is not one of the columns p.text',
    );
  });

  it('refuse a statement that names a column twice', () => {
    expect(() => columnPositions(['id', 'text', 'id'])).toThrow(
      'The statement names column id twice',
    );
  });
});
