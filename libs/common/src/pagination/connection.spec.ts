import { ConnectionShape, Edge, toConnection } from './connection';
import { compactConnection, mapConnection } from './keyset-page';

/** The edges as plain values: a lazy edge's cursor is a getter. */
function edgesOf<T>(connection: ConnectionShape<T>): { cursor: string; node: T }[] {
  return connection.edges.map((edge: Edge<T>) => ({ cursor: edge.cursor, node: edge.node }));
}

describe('connections', () => {
  const page: ConnectionShape<string> = {
    edges: ['a', 'b', 'c'].map((node) => ({ cursor: `cursor-${node}`, node })),
    pageInfo: {
      hasNextPage: true,
      hasPreviousPage: true,
      startCursor: 'cursor-a',
      endCursor: 'cursor-c',
    },
  };

  it('compacting maps every node and keeps the page as it was when none is missing', () => {
    const compacted = compactConnection(page, (node, i) => `${node}${i}`);
    expect(edgesOf(compacted)).toEqual([
      { cursor: 'cursor-a', node: 'a0' },
      { cursor: 'cursor-b', node: 'b1' },
      { cursor: 'cursor-c', node: 'c2' },
    ]);
    expect(compacted.pageInfo).toEqual(page.pageInfo);
  });

  it('compacting leaves out missing nodes, the cursors following the edges kept, hasNextPage the rows read', () => {
    const compacted = compactConnection(page, (node) => (node === 'b' ? node : undefined));
    expect(edgesOf(compacted)).toEqual([{ cursor: 'cursor-b', node: 'b' }]);
    expect(compacted.pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: true,
      startCursor: 'cursor-b',
      endCursor: 'cursor-b',
    });
    expect(compactConnection(page, () => undefined).pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: true,
      startCursor: null,
      endCursor: null,
    });
  });

  it('writes an edge’s cursor only when it is read, and once, through every mapping', () => {
    const written: number[] = [];
    const connection = toConnection(
      [1, 2, 3, 4],
      3,
      (row) => {
        written.push(row);
        return `at-${row}`;
      },
      (row) => row * 10,
      false,
    );
    // The page info names the first and last edges' cursors; the extra row has none.
    expect(connection.pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: 'at-1',
      endCursor: 'at-3',
    });
    expect(written).toEqual([1, 3]);
    const mapped = compactConnection(
      mapConnection(connection, (node) => `node ${node}`),
      (node) => node,
    );
    expect(written).toEqual([1, 3]);
    expect(edgesOf(mapped)).toEqual([
      { cursor: 'at-1', node: 'node 10' },
      { cursor: 'at-2', node: 'node 20' },
      { cursor: 'at-3', node: 'node 30' },
    ]);
    expect(written).toEqual([1, 3, 2]);
    // Read again: written once each.
    expect(edgesOf(mapped).map((edge) => edge.cursor)).toEqual(['at-1', 'at-2', 'at-3']);
    expect(written).toEqual([1, 3, 2]);
  });
});
