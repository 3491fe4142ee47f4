import { joinedRowSql, prefixedColumns, readJoinedRow } from './joined-row';

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
});
